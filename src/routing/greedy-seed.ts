import { billablePounds } from './billable-pounds.ts';
import { EPS, type SearchIncumbent } from './search-incumbent.ts';
import type { SearchProblem } from './search-problem.ts';
import { marginal } from './split-bounds.ts';

/**
 * A good incumbent before the exact split search, so that it prunes from the start: starting
 * from the best single node, keep adding the node that lowers the cost most (the ADD heuristic
 * of facility location), pricing each trial set with a quick per-line assignment.
 */
export class GreedySeed {
  private members = new Int32Array(16);
  private memberWeight = new Float64Array(16);
  private memberLinear = new Float64Array(16);
  private greedyQty = new Int32Array(256);
  private p!: SearchProblem;

  /** Tries the candidates of `list[0..listLen)`; improves `s` in place. */
  run(s: SearchIncumbent, p: SearchProblem, list: Int32Array, listLen: number, maxPackages: number): void {
    this.p = p;
    const C = p.candidateCount;
    const K = p.lineCount;
    if (this.members.length < maxPackages + 1) {
      const n = Math.min(C, maxPackages) + 2;
      this.members = new Int32Array(n);
      this.memberWeight = new Float64Array(n);
      this.memberLinear = new Float64Array(n);
    }
    if (this.greedyQty.length < (Math.min(C, maxPackages) + 2) * K) {
      this.greedyQty = new Int32Array((Math.min(C, maxPackages) + 2) * K);
    }
    let size = 0;
    if (s.bestSize === 1) this.members[size++] = s.bestSet[0]!;
    let current = s.bestCost;
    while (size < maxPackages && !s.timeUp()) {
      let pick = -1;
      let pickCost = current - EPS;
      for (let pos = 0; pos < listLen; pos++) {
        const j = list[pos]!;
        let inSet = false;
        for (let t = 0; t < size && !inSet; t++) inSet = this.members[t] === j;
        if (inSet) continue;
        this.members[size] = j;
        s.nodes++;
        const cost = this.quickAssign(size + 1);
        if (cost < pickCost) {
          pickCost = cost;
          pick = j;
        }
      }
      if (pick < 0) break;
      this.members[size++] = pick;
      current = this.quickAssign(size);
      if (current < s.bestCost - EPS) this.adopt(s, size, current);
    }
  }

  /** Makes the last quick assignment of members[0..size) the incumbent (members that ship). */
  private adopt(s: SearchIncumbent, size: number, cost: number): void {
    const K = this.p.lineCount;
    let n = 0;
    for (let t = 0; t < size; t++) {
      let used = false;
      for (let k = 0; k < K && !used; k++) used = this.greedyQty[t * K + k]! > 0;
      if (!used) continue;
      if (s.bestSet.length <= n) {
        const grown = new Int32Array(s.bestSet.length * 2);
        grown.set(s.bestSet);
        s.bestSet = grown;
      }
      if (s.bestQty.length < (n + 1) * K) {
        const grown = new Int32Array((n + 1) * K * 2);
        grown.set(s.bestQty);
        s.bestQty = grown;
      }
      s.bestSet[n] = this.members[t]!;
      for (let k = 0; k < K; k++) s.bestQty[n * K + k] = this.greedyQty[t * K + k]!;
      n++;
    }
    s.bestSize = n;
    s.bestCost = cost;
    s.record(s.bestSet, n, cost, this.shortOf(s, n));
  }

  private shortOf(s: SearchIncumbent, size: number): number {
    const p = this.p;
    const K = p.lineCount;
    let short = 0;
    for (let k = 0; k < K; k++) {
      let left = p.quantity[k]!;
      for (let t = 0; t < size; t++) left -= s.bestQty[t * K + k]!;
      short += left;
    }
    return short;
  }

  /** Cost of a quick assignment to members[0..size): each line's units to the cheapest holders. */
  private quickAssign(size: number): number {
    const p = this.p;
    const K = p.lineCount;
    const P = p.penalty;
    for (let t = 0; t < size; t++) {
      this.memberWeight[t] = 0;
      this.memberLinear[t] = 0;
    }
    let cost = 0;
    for (let k = 0; k < K; k++) {
      let r = p.quantity[k]!;
      const w = p.weight[k]!;
      for (let t = 0; t < size; t++) this.greedyQty[t * K + k] = 0;
      while (r > 0) {
        let bt = -1;
        let bm = P;
        for (let t = 0; t < size; t++) {
          const c = this.members[t]!;
          if (this.greedyQty[t * K + k]! > 0 || p.avail[c * K + k] === 0) continue;
          const m = marginal(p, c, k);
          if (m < bm) {
            bm = m;
            bt = t;
          }
        }
        if (bt < 0) break;
        const c = this.members[bt]!;
        const x = Math.min(r, p.avail[c * K + k]!);
        this.greedyQty[bt * K + k] = x;
        this.memberWeight[bt] = this.memberWeight[bt]! + x * w;
        this.memberLinear[bt] = this.memberLinear[bt]! + x * (p.unit[c]! + p.lin[c]! * w);
        r -= x;
      }
      cost += r * P;
    }
    for (let t = 0; t < size; t++) {
      const wt = this.memberWeight[t]!;
      if (wt <= 0 && this.memberLinear[t] === 0) {
        let used = false;
        for (let k = 0; k < K && !used; k++) used = this.greedyQty[t * K + k]! > 0;
        if (!used) continue;
      }
      const c = this.members[t]!;
      cost += p.fixed[c]! + p.step[c]! * (billablePounds(wt) - 1) + this.memberLinear[t]!;
    }
    return cost;
  }
}
