import type { RoutingProblem } from '../../src/routing/index.ts';

/** Small deterministic PRNG so a fast-check seed names one problem. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Shape {
  maxNodes: number;
  maxItems: number;
  maxOrders: number;
  maxLines: number;
  maxQuantity: number;
  mode: 'sequential' | 'batch';
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** A random valid problem exercising every rule of the format at a size brute force can check. */
export function randomProblem(seed: number, shape: Shape): RoutingProblem {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const zone = r() < 0.7;
  const rates: RoutingProblem['rates'] = zone
    ? {
        model: 'zone',
        bands: [
          { maxMiles: 100, base: round(6 + r() * 3), perLb: round(0.3 + r() * 0.4), days: 1 },
          { maxMiles: 400, base: round(8 + r() * 3), perLb: round(0.5 + r() * 0.5), days: 2 },
          { maxMiles: 1000, base: round(10 + r() * 3), perLb: round(0.8 + r() * 0.5), days: 3 },
          { maxMiles: null, base: round(13 + r() * 4), perLb: round(1 + r() * 0.6), days: 5 },
        ],
      }
    : {
        model: 'linear',
        perPackage: round(2 + r() * 6),
        perUnit: round(r() * 2),
        perUnitMile: round(0.002 + r() * 0.01, 4),
        bands: [
          { maxMiles: 300, days: 1 },
          { maxMiles: 900, days: 3 },
          { maxMiles: null, days: 5 },
        ],
      };
  const nodeCount = int(1, shape.maxNodes);
  const nodes: RoutingProblem['nodes'] = Array.from({ length: nodeCount }, (_, i) => {
    const fulfils = pick([['ship'], ['ship'], ['ship', 'pickup'], ['pickup']] as const);
    return {
      id: `N${i}`,
      kind: pick(['warehouse', 'store', '3pl', 'dropship'] as const),
      lat: round(33 + r() * 12, 4),
      lon: round(-105 + r() * 30, 4),
      handlingCost: round(0.5 + r() * 4),
      ...(r() < 0.3 ? { extraDays: int(0, 2) } : {}),
      ...(r() < 0.3 ? { capacity: int(0, 3) } : {}),
      ...(r() < 0.1 ? { enabled: false } : {}),
      fulfils: [...fulfils],
    };
  });
  const itemCount = int(1, shape.maxItems);
  const items = Array.from({ length: itemCount }, (_, i) => ({
    sku: `S${i}`,
    weight: pick([0.1, 0.2, 0.3, 0.7, 1, 1.5, 2.25, 4.4, 9.31]),
  }));
  const inventory: RoutingProblem['inventory'] = [];
  for (const n of nodes)
    for (const it of items) if (r() < 0.7) inventory.push({ node: n.id, sku: it.sku, available: int(0, 4) });
  const pickupNodes = nodes.filter((n) => n.fulfils?.includes('pickup'));
  const orders: RoutingProblem['orders'] = Array.from({ length: int(1, shape.maxOrders) }, (_, o) => {
    const skus = items.map((x) => x.sku).sort(() => r() - 0.5);
    const lines = skus.slice(0, int(1, Math.min(shape.maxLines, skus.length))).map((sku) => ({
      sku,
      quantity: int(1, shape.maxQuantity),
    }));
    return {
      id: `o${o}`,
      destination: { lat: round(33 + r() * 12, 4), lon: round(-105 + r() * 30, 4) },
      lines,
      ...(pickupNodes.length > 0 && r() < 0.15 ? { pickupNode: pick(pickupNodes).id } : {}),
      ...(r() < 0.2 ? { latestDays: int(1, 5) } : {}),
    };
  });
  return {
    version: 1,
    mode: shape.mode,
    rates,
    nodes,
    items,
    inventory,
    orders,
    policy: {
      unfilledPenalty: pick([1000, 1000, 4, 15, 40]),
      dayCost: pick([0, 0, 0.5, 2]),
      maxShipments: pick([null, null, 1, 2]),
    },
  };
}
