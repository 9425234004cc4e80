import { billablePounds } from './billable-pounds.ts';
import { GreedySeed } from './greedy-seed.ts';
import { EPS, SearchIncumbent } from './search-incumbent.ts';
import type { SearchProblem } from './search-problem.ts';
import { computeShares, multiPackageBound } from './split-bounds.ts';
import { SplitSearch } from './split-search.ts';

export type { AlternativeRecord } from './search-incumbent.ts';

export interface SearchLimits {
  /** performance.now() value after which the search stops with the best plan found. */
  deadline: number;
  /** Most branch-and-bound nodes; a deterministic alternative to the deadline. */
  maxNodes: number;
}

/**
 * Exact cheapest plan for one order: every single-node plan is priced exactly, then the split
 * search (seeded by the greedy ADD heuristic) runs only when a lower bound on any
 * multi-package plan is below the best single-node plan.
 */
export class OrderSearch extends SearchIncumbent {
  lowerBound = 0;
  /** dominatedBy[c] = candidate that made the split search skip c, or -1. */
  dominatedBy = new Int32Array(64);

  private p!: SearchProblem;
  private qty = new Int32Array(16);
  private order = new Int32Array(16);
  private shares: Float64Array = new Float64Array(64);
  private readonly greedy = new GreedySeed();
  private readonly split = new SplitSearch();

  run(p: SearchProblem, limits: SearchLimits, keepAlternatives: number): void {
    this.p = p;
    this.keep = keepAlternatives;
    this.deadline = limits.deadline;
    this.maxNodes = limits.maxNodes;
    this.exhausted = false;
    this.nodes = 0;
    this.setsEvaluated = 0;
    if (keepAlternatives > 0 || this.alternatives.length > 0) this.alternatives = [];
    const K = p.lineCount;
    const C = p.candidateCount;
    if (this.qty.length < K) {
      this.qty = new Int32Array(K * 2);
      this.order = new Int32Array(K * 2);
    }
    if (this.dominatedBy.length < C) this.dominatedBy = new Int32Array(C * 2);
    if (this.bestQty.length < K) this.bestQty = new Int32Array(K * 2);
    this.dominatedBy.fill(-1, 0, C);
    this.bestCost = p.penalty * p.totalUnits;
    this.bestSize = 0;
    this.record(null, 0, this.bestCost, p.totalUnits);

    const qty = this.qty;
    for (let c = 0; c < C; c++) {
      const cost = this.single(c, qty);
      this.nodes++;
      if (cost < this.bestCost - EPS) {
        this.bestCost = cost;
        this.bestSize = 1;
        this.bestSet[0] = c;
        const best = this.bestQty;
        for (let k = 0; k < K; k++) best[k] = qty[k]!;
      }
      if (this.keep > 0 && (this.alternatives.length <= this.keep || cost < this.alternatives.at(-1)!.cost)) {
        let shipped = 0;
        for (let k = 0; k < K; k++) shipped += qty[k]!;
        this.record([c], 1, cost, p.totalUnits - shipped);
      }
    }
    const maxPackages = Math.min(p.maxPackages, C);
    let multiBound = Number.POSITIVE_INFINITY;
    if (maxPackages >= 2) {
      this.shares = computeShares(p, this.shares);
      multiBound = multiPackageBound(p, this.shares);
      if (multiBound < this.bestCost - EPS) {
        this.split.prepareList(p, this.dominatedBy);
        this.greedy.run(this, p, this.split.list, this.split.listLen, maxPackages);
        if (multiBound < this.bestCost - EPS) this.split.run(this, this.shares, maxPackages);
      }
    }
    this.lowerBound = this.exhausted ? Math.min(this.bestCost, multiBound) : this.bestCost;
  }

  /** Cheapest plan using candidate c alone (or nothing); writes its units into qty. */
  private single(c: number, qty: Int32Array): number {
    const p = this.p;
    const K = p.lineCount;
    const row = c * K;
    const P = p.penalty;
    const step = p.step[c]!;
    const unit = p.unit[c]!;
    const lin = p.lin[c]!;
    let fast = true;
    let w = 0;
    let linear = 0;
    let shipped = 0;
    for (let k = 0; k < K; k++) {
      const a = p.avail[row + k]!;
      qty[k] = a;
      if (a === 0) continue;
      const mu = unit + lin * p.weight[k]!;
      // Shipping every unit is optimal when no unit can add more than the penalty it saves.
      if (mu + step * p.ceilWeight[k]! > P) fast = false;
      w += a * p.weight[k]!;
      linear += a * mu;
      shipped += a;
    }
    if (fast) return p.fixed[c]! + step * (billablePounds(w) - 1) + linear + P * (p.totalUnits - shipped);
    return this.singleWithUnfilled(c, qty);
  }

  /**
   * Small penalty: leaving units unfilled may pay. For a given number of units the lightest ones
   * cost least (cost grows with weight), so only prefixes of the units sorted by weight are tried.
   */
  private singleWithUnfilled(c: number, qty: Int32Array): number {
    const p = this.p;
    const K = p.lineCount;
    const row = c * K;
    const P = p.penalty;
    const order = this.order;
    for (let k = 0; k < K; k++) {
      let j = k;
      while (j > 0 && p.weight[order[j - 1]!]! > p.weight[k]!) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = k;
    }
    let best = P * p.totalUnits;
    let bestUnits = 0;
    let w = 0;
    let linear = 0;
    let units = 0;
    for (let j = 0; j < K; j++) {
      const k = order[j]!;
      const mu = p.unit[c]! + p.lin[c]! * p.weight[k]!;
      for (let u = p.avail[row + k]!; u > 0; u--) {
        w += p.weight[k]!;
        linear += mu;
        units++;
        const cost = p.fixed[c]! + p.step[c]! * (billablePounds(w) - 1) + linear + P * (p.totalUnits - units);
        if (cost < best - EPS) {
          best = cost;
          bestUnits = units;
        }
      }
    }
    for (let j = 0; j < K; j++) {
      const k = order[j]!;
      const take = Math.min(p.avail[row + k]!, bestUnits);
      qty[k] = take;
      bestUnits -= take;
    }
    return best;
  }
}
