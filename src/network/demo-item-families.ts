// The demo catalogue's product families: data only. demo-items.ts expands them into skus.

import { GOODS_FAMILIES } from './demo-item-goods.ts';
import { WEAR_FAMILIES } from './demo-item-wear.ts';

export type ItemCategory = 'apparel' | 'shoes' | 'home' | 'electronics' | 'outdoor' | 'beauty' | 'furniture';
export type SizeClass = 'small' | 'medium' | 'large' | 'oversize';

export interface DemoItem {
  sku: string;
  name: string;
  category: ItemCategory;
  weightLb: number;
  sizeClass: SizeClass;
  /** Needs dangerous-goods handling (lithium batteries, aerosols, fuel). */
  hazmat: boolean;
  /** Too big for parcel carriers; ships freight. */
  oversize: boolean;
}

export interface Variant {
  code: string;
  label: string;
  /** Multiplies the family's base weight (bigger sizes weigh more). */
  weightFactor?: number;
}

export interface ProductFamily {
  category: ItemCategory;
  code: string;
  name: string;
  weightLb: number;
  hazmat?: boolean;
  oversize?: boolean;
  sizeClass?: SizeClass;
  /** Each axis multiplies the variant count: e.g. colours × sizes. */
  axes?: readonly (readonly Variant[])[];
}

export const CATEGORY_PREFIX: Readonly<Record<ItemCategory, string>> = {
  apparel: 'APP',
  shoes: 'SHO',
  home: 'HOM',
  electronics: 'ELE',
  outdoor: 'OUT',
  beauty: 'BTY',
  furniture: 'FUR',
};

export const FAMILIES: readonly ProductFamily[] = [...WEAR_FAMILIES, ...GOODS_FAMILIES];
