// A fixed demo catalogue, expanded from product families × variants. It does not depend on the seed,
// so skus and weights stay stable across demo networks; only stock varies.

import {
  CATEGORY_PREFIX,
  type DemoItem,
  FAMILIES,
  type ProductFamily,
  type SizeClass,
  type Variant,
} from './demo-item-families.ts';

export type { DemoItem, ItemCategory, SizeClass } from './demo-item-families.ts';

function sizeClassFor(weightLb: number): SizeClass {
  if (weightLb < 2) return 'small';
  if (weightLb < 10) return 'medium';
  return 'large';
}

/** Every combination of one variant per axis, in axis order. */
function combinations(axes: readonly (readonly Variant[])[]): Variant[][] {
  return axes.reduce<Variant[][]>(
    (acc, axis) => acc.flatMap((combo) => axis.map((v) => [...combo, v])),
    [[]],
  );
}

function expandFamily(family: ProductFamily): DemoItem[] {
  return combinations(family.axes ?? []).map((variants) => {
    const factor = variants.reduce((f, v) => f * (v.weightFactor ?? 1), 1);
    const weightLb = Math.round(family.weightLb * factor * 100) / 100;
    const oversize = family.oversize ?? false;
    return {
      sku: [CATEGORY_PREFIX[family.category], family.code, ...variants.map((v) => v.code)].join('-'),
      name: variants.length > 0 ? `${family.name}, ${variants.map((v) => v.label).join(', ')}` : family.name,
      category: family.category,
      weightLb,
      sizeClass: oversize ? 'oversize' : (family.sizeClass ?? sizeClassFor(weightLb)),
      hazmat: family.hazmat ?? false,
      oversize,
    };
  });
}

/** The demo catalogue (same for every seed). */
export function demoItems(): DemoItem[] {
  return FAMILIES.flatMap(expandFamily);
}
