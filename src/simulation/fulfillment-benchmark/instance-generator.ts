import { mulberry32 } from '../../network/seeded-random.ts';
import { haversineMiles } from '../../routing/geo-distance.ts';
import type { BenchmarkData } from './benchmark-data.ts';

/** Cost constants of the published experiments (per package, per unit, per unit-mile). */
export const PACKAGE_COST = 8.759;
export const UNIT_COST = 0.423;
export const UNIT_MILE_COST = 0.000541;

export interface InstanceParams {
  items: number;
  /** Orders have 1..maxOrderSize distinct items. */
  maxOrderSize: number;
  typesPerSize: number;
  /** Periods, one arrival each. */
  horizon: number;
  /** Probability that a centre carries an item (0.75; 0.5 and 0.25 in harder variants). */
  carryProbability: number;
}

export const WARMUP_PARAMS: InstanceParams = {
  items: 20,
  maxOrderSize: 5,
  typesPerSize: 5,
  horizon: 10_000,
  carryProbability: 0.75,
};

export const LARGE_PARAMS: InstanceParams = {
  items: 100,
  maxOrderSize: 10,
  typesPerSize: 5,
  horizon: 100_000,
  carryProbability: 0.75,
};

export interface OrderType {
  items: number[];
  probability: number;
}

/**
 * One random instance. Centre index K (= centres.length) is the dummy "lost sale" centre:
 * a package from it costs 2 * PACKAGE_COST plus, per unit, twice the unit cost to the farthest
 * real centre, and it never runs out.
 */
export interface FulfilmentInstance {
  data: BenchmarkData;
  params: InstanceParams;
  cityCount: number;
  centreCount: number;
  /** Share of arrivals per city (population share). */
  cityProbability: Float64Array;
  types: OrderType[];
  /** carries[i * K + k] = 1 when centre k carries item i. */
  carries: Uint8Array;
  /** Initial units, stock[i * K + k]. */
  stock: Int32Array;
  /** miles[k * J + j] from real centre k to city j. */
  miles: Float64Array;
  /** Fixed cost of a package, per centre including the dummy (index K), by city: fixed[j * (K+1) + k]. */
  fixed: Float64Array;
  /** Cost per unit from centre k (dummy = K) to city j: unitCost[j * (K+1) + k]. */
  unitCost: Float64Array;
}

/**
 * Generates an instance exactly as the experiments describe: cities weighted by population,
 * `typesPerSize` random item sets per order size with random type probabilities, each centre
 * carrying each item with `carryProbability` (an item nobody carries gets one random centre),
 * and stock sized from the demand of the cities for which the centre is the nearest carrier:
 * `round(T*d + 0.5*sqrt(T*d*(1-d)))`.
 */
export function generateInstance(
  data: BenchmarkData,
  params: InstanceParams,
  seed: number,
): FulfilmentInstance {
  const rnd = mulberry32(seed);
  const J = data.cities.length;
  const K = data.centres.length;
  const N = params.items;
  const T = params.horizon;
  const popTotal = data.cities.reduce((s, c) => s + c.population, 0);
  const cityProbability = Float64Array.from(data.cities, (c) => c.population / popTotal);

  const types: OrderType[] = [];
  for (let size = 1; size <= Math.min(params.maxOrderSize, N); size++) {
    for (let t = 0; t < params.typesPerSize; t++) {
      const pool = Array.from({ length: N }, (_, i) => i);
      const items: number[] = [];
      for (let n = 0; n < size; n++) {
        const at = Math.floor(rnd() * pool.length);
        items.push(pool[at]!);
        pool.splice(at, 1);
      }
      types.push({ items: items.sort((a, b) => a - b), probability: rnd() });
    }
  }
  const weightTotal = types.reduce((s, t) => s + t.probability, 0);
  for (const t of types) t.probability /= weightTotal;

  const carries = new Uint8Array(N * K);
  for (let i = 0; i < N; i++) {
    let any = false;
    for (let k = 0; k < K; k++) {
      if (rnd() < params.carryProbability) {
        carries[i * K + k] = 1;
        any = true;
      }
    }
    if (!any) carries[i * K + Math.floor(rnd() * K)] = 1;
  }

  const miles = new Float64Array(K * J);
  for (let k = 0; k < K; k++) {
    const c = data.centres[k]!;
    for (let j = 0; j < J; j++) {
      const city = data.cities[j]!;
      miles[k * J + j] = haversineMiles(c.lat, c.lon, city.lat, city.lon);
    }
  }

  // Expected per-period demand of each item at each centre: cities go to their nearest carrier.
  const itemProbability = new Float64Array(N);
  for (const t of types) for (const i of t.items) itemProbability[i] = itemProbability[i]! + t.probability;
  const stock = new Int32Array(N * K);
  for (let i = 0; i < N; i++) {
    const demand = new Float64Array(K);
    for (let j = 0; j < J; j++) {
      let best = -1;
      for (let k = 0; k < K; k++) {
        if (!carries[i * K + k]) continue;
        if (best < 0 || miles[k * J + j]! < miles[best * J + j]!) best = k;
      }
      demand[best] = demand[best]! + cityProbability[j]! * itemProbability[i]!;
    }
    for (let k = 0; k < K; k++) {
      if (!carries[i * K + k]) continue;
      const d = demand[k]!;
      stock[i * K + k] = Math.round(T * d + 0.5 * Math.sqrt(T * d * (1 - d)));
    }
  }

  const K1 = K + 1;
  const fixed = new Float64Array(J * K1);
  const unitCost = new Float64Array(J * K1);
  for (let j = 0; j < J; j++) {
    let farthest = 0;
    for (let k = 0; k < K; k++) {
      const m = miles[k * J + j]!;
      farthest = Math.max(farthest, m);
      fixed[j * K1 + k] = PACKAGE_COST;
      unitCost[j * K1 + k] = UNIT_COST + UNIT_MILE_COST * m;
    }
    fixed[j * K1 + K] = 2 * PACKAGE_COST;
    unitCost[j * K1 + K] = 2 * (UNIT_COST + UNIT_MILE_COST * farthest);
  }
  return {
    data,
    params,
    cityCount: J,
    centreCount: K,
    cityProbability,
    types,
    carries,
    stock,
    miles,
    fixed,
    unitCost,
  };
}

/** One arrival: a city and an order type. */
export interface Arrival {
  city: number;
  type: number;
}

/** The arrival sequence of one replication: T periods, city and type drawn independently. */
export function arrivalSequence(
  inst: FulfilmentInstance,
  seed: number,
  horizon = inst.params.horizon,
): Arrival[] {
  const rnd = mulberry32(seed);
  const cityCum = cumulative(Array.from(inst.cityProbability));
  const typeCum = cumulative(inst.types.map((t) => t.probability));
  const out: Arrival[] = [];
  for (let t = 0; t < horizon; t++) out.push({ city: draw(cityCum, rnd()), type: draw(typeCum, rnd()) });
  return out;
}

function cumulative(p: number[]): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  p.forEach((v, i) => {
    s += v;
    c[i] = s;
  });
  return c;
}

function draw(cum: Float64Array, u: number): number {
  const x = u * cum[cum.length - 1]!;
  for (let i = 0; i < cum.length; i++) if (x < cum[i]!) return i;
  return cum.length - 1;
}
