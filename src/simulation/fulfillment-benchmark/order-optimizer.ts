import type { FulfilmentInstance } from './instance-generator.ts';

/**
 * Exact cheapest fulfilment of one benchmark order under per-(item, centre) unit costs: every
 * set of candidate centres (those holding one of the items, plus the dummy lost-sale centre) is
 * tried, each item going to the cheapest member that holds it. The dual-price policy uses this
 * with unit costs raised by the value of the stock; with no adjustment it is the plain optimum
 * (the routing engine's answer on the same order, which a test checks).
 */
export class OrderOptimizer {
  private readonly cand = new Int32Array(64);
  /** Chosen centre per item of the last order (K = lost). */
  readonly assignment = new Int32Array(64);
  private readonly trial = new Int32Array(64);

  constructor(private readonly inst: FulfilmentInstance) {}

  /**
   * Writes the cheapest assignment of `items` at `city` into `assignment` and returns its
   * adjusted cost. `adjust[i * K + k]` is added to each unit of item i from centre k.
   */
  solve(city: number, items: readonly number[], stock: Int32Array, adjust: Float64Array | null): number {
    const inst = this.inst;
    const K = inst.centreCount;
    const K1 = K + 1;
    const base = city * K1;
    let C = 0;
    for (let k = 0; k < K; k++) {
      for (const i of items) {
        if (stock[i * K + k]! > 0) {
          this.cand[C++] = k;
          break;
        }
      }
    }
    this.cand[C++] = K;
    const n = items.length;
    let best = Number.POSITIVE_INFINITY;
    for (let mask = 1; mask < 1 << C; mask++) {
      let cost = 0;
      for (let c = 0; c < C; c++) if (mask & (1 << c)) cost += inst.fixed[base + this.cand[c]!]!;
      if (cost >= best) continue;
      let feasible = true;
      for (let t = 0; t < n && feasible; t++) {
        const i = items[t]!;
        let bestItem = Number.POSITIVE_INFINITY;
        let at = -1;
        for (let c = 0; c < C; c++) {
          if (!(mask & (1 << c))) continue;
          const k = this.cand[c]!;
          if (k < K && stock[i * K + k]! <= 0) continue;
          const v = inst.unitCost[base + k]! + (k < K && adjust ? adjust[i * K + k]! : 0);
          if (v < bestItem) {
            bestItem = v;
            at = k;
          }
        }
        if (at < 0) feasible = false;
        else {
          cost += bestItem;
          this.trial[t] = at;
        }
      }
      if (feasible && cost < best - 1e-12) {
        best = cost;
        this.assignment.set(this.trial.subarray(0, n));
      }
    }
    return best;
  }
}

/** True cost of an assignment (centre per item, K = lost) at a city, by the published formula. */
export function assignmentCost(
  inst: FulfilmentInstance,
  city: number,
  assignment: ArrayLike<number>,
  n: number,
): number {
  const K1 = inst.centreCount + 1;
  const base = city * K1;
  let cost = 0;
  let used = 0;
  for (let t = 0; t < n; t++) {
    const k = assignment[t]!;
    cost += inst.unitCost[base + k]!;
    // At most 11 centres in the published sizes: a bit mask marks the packages.
    if (!(used & (1 << k))) {
      used |= 1 << k;
      cost += inst.fixed[base + k]!;
    }
  }
  return cost;
}
