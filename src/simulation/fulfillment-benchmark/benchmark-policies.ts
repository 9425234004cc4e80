import { EngineAdapter } from './engine-adapter.ts';
import { FluidLp } from './fluid-lp.ts';
import type { Arrival, FulfilmentInstance } from './instance-generator.ts';
import { assignmentCost, OrderOptimizer } from './order-optimizer.ts';

export type BenchmarkPolicyName = 'myopic' | 'engine' | 'dual-price' | 'dual-price-resolving';

export const BENCHMARK_POLICIES: readonly BenchmarkPolicyName[] = [
  'myopic',
  'engine',
  'dual-price',
  'dual-price-resolving',
];

export interface PolicyRunOptions {
  /** Duals of the fluid LP at the start (shared by the dual-price policies of one instance). */
  initialDuals?: Float64Array;
  /** How many times the resolving policy solves the LP over the horizon (default 10). */
  resolves?: number;
  /** The instance's LP model, reused (warm-started) by the resolving policy. */
  lp?: FluidLp;
}

/** Nearest carrying centre per (item, city): the myopic rule's only choice. */
function nearestCarrier(inst: FulfilmentInstance): Int32Array {
  const K = inst.centreCount;
  const J = inst.cityCount;
  const N = inst.params.items;
  const out = new Int32Array(N * J);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < J; j++) {
      let best = -1;
      for (let k = 0; k < K; k++) {
        if (!inst.carries[i * K + k]) continue;
        if (best < 0 || inst.miles[k * J + j]! < inst.miles[best * J + j]!) best = k;
      }
      out[i * J + j] = best;
    }
  }
  return out;
}

/**
 * Total cost of one policy on one arrival sequence, priced by the published formula. Policies:
 * - myopic: each item from its nearest carrying centre, lost when that centre is out;
 * - engine: the routing engine's exact per-order optimum (any centre may serve, lost only
 *   when no centre holds the item);
 * - dual-price: the per-order optimum with each unit from centre k priced at its shipping cost
 *   plus the fluid LP's dual of (item, k) stock: a unit is only sent from scarce stock when
 *   the saving beats what that unit is worth to later orders (Acimovic & Graves 2015);
 * - dual-price-resolving: the same, re-solving the LP for the stock and periods left at
 *   `resolves` evenly spaced points, so bid prices track what is actually left.
 */
export async function runBenchmarkPolicy(
  inst: FulfilmentInstance,
  arrivals: readonly Arrival[],
  policy: BenchmarkPolicyName,
  options: PolicyRunOptions = {},
): Promise<number> {
  const stock = inst.stock.slice();
  const K = inst.centreCount;
  const J = inst.cityCount;
  const assignment = new Int32Array(64);
  let total = 0;
  if (policy === 'myopic') {
    const nearest = nearestCarrier(inst);
    for (const a of arrivals) {
      const items = inst.types[a.type]!.items;
      for (let t = 0; t < items.length; t++) {
        const i = items[t]!;
        const k = nearest[i * J + a.city]!;
        if (stock[i * K + k]! > 0) {
          stock[i * K + k] = stock[i * K + k]! - 1;
          assignment[t] = k;
        } else assignment[t] = K;
      }
      total += assignmentCost(inst, a.city, assignment, items.length);
    }
    return total;
  }
  if (policy === 'engine') {
    const engine = new EngineAdapter(inst);
    for (const a of arrivals) {
      const items = inst.types[a.type]!.items;
      engine.route(a.city, items, assignment);
      total += assignmentCost(inst, a.city, assignment, items.length);
    }
    return total;
  }
  const optimizer = new OrderOptimizer(inst);
  const lp = options.lp ?? (await FluidLp.create(inst));
  try {
    let duals = options.initialDuals ?? lp.solve().dual;
    const T = arrivals.length;
    const resolves = policy === 'dual-price-resolving' ? Math.max(1, options.resolves ?? 10) : 1;
    const every = Math.ceil(T / resolves);
    for (let t = 0; t < T; t++) {
      if (t > 0 && t % every === 0) duals = lp.solve(stock, T - t).dual;
      const a = arrivals[t]!;
      const items = inst.types[a.type]!.items;
      optimizer.solve(a.city, items, stock, duals);
      for (let x = 0; x < items.length; x++) {
        const k = optimizer.assignment[x]!;
        assignment[x] = k;
        if (k < K) stock[items[x]! * K + k] = stock[items[x]! * K + k]! - 1;
      }
      total += assignmentCost(inst, a.city, assignment, items.length);
    }
    return total;
  } finally {
    if (!options.lp) lp.dispose();
  }
}
