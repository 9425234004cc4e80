// Variant axes shared by the demo product families: colours and sizes.

import type { Variant } from './demo-item-families.ts';

export const colours = (...codes: string[]): Variant[] =>
  codes.map((code) => ({ code, label: COLOUR_NAMES[code] ?? code }));

const COLOUR_NAMES: Readonly<Record<string, string>> = {
  BLK: 'Black',
  WHT: 'White',
  NVY: 'Navy',
  GRY: 'Heather Grey',
  RED: 'Red',
  GRN: 'Forest Green',
  OLV: 'Olive',
  BLU: 'Blue',
  BRN: 'Brown',
  IND: 'Indigo',
  SND: 'Sand',
  CRM: 'Cream',
  SLV: 'Silver',
  BRS: 'Brass',
  OAK: 'Oak',
  WAL: 'Walnut',
};

export const LETTER_SIZES: readonly Variant[] = [
  { code: 'XS', label: 'XS', weightFactor: 0.85 },
  { code: 'S', label: 'S', weightFactor: 0.92 },
  { code: 'M', label: 'M', weightFactor: 1 },
  { code: 'L', label: 'L', weightFactor: 1.08 },
  { code: 'XL', label: 'XL', weightFactor: 1.16 },
];
export const CORE_SIZES = LETTER_SIZES.slice(1);
export const WAIST_SIZES: readonly Variant[] = [30, 32, 34, 36].map((w) => ({
  code: `W${w}`,
  label: `${w}W`,
  weightFactor: 0.9 + (w - 30) * 0.04,
}));
export const SHOE_SIZES: readonly Variant[] = [7, 8, 9, 10, 11, 12].map((s) => ({
  code: String(s),
  label: `US ${s}`,
  weightFactor: 0.9 + (s - 7) * 0.04,
}));
