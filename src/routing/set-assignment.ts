import { billablePounds } from './billable-pounds.ts';
import type { SearchProblem } from './search-problem.ts';

/**
 * Cheapest assignment of an order's units to a fixed set of nodes, every node sending one
 * package. Without per-pound steps (linear model, pickup) units are independent and a greedy
 * per line is exact. With zone prices the billable pounds couple the lines, so a depth-first
 * search over lines (heaviest first) distributes each line's units, bounded below by the
 * prices paid so far plus a relaxation of the remaining lines that credits every package's
 * unused part of its current pound.
 */
export class SetAssignment {
  bestCost = 0;
  bestSize = 0;
  bestUnfilled = 0;
  bestSet = new Int32Array(8);
  bestQty = new Int32Array(128);
  nodes = 0;
  exhausted = false;

  private p!: SearchProblem;
  private K = 0;
  private s = 0;
  private members = new Int32Array(8);
  private qty = new Int32Array(128);
  private weightNow = new Float64Array(8);
  private lineOrder = new Int32Array(16);
  private mustShip = new Uint8Array(16);
  private forcedUnfilled = new Int32Array(16);
  private boundA = new Float64Array(17);
  private boundB = new Float64Array(17);
  private fixedSum = 0;
  private limit = 0;
  private deadline = 0;
  private nodeBudget = 0;
  private sortScratch = new Int32Array(8);

  /** Per order: lines sorted heaviest first (heavy units decide the pound steps). */
  prepare(p: SearchProblem): void {
    this.p = p;
    const K = p.lineCount;
    this.K = K;
    if (this.lineOrder.length < K) {
      this.lineOrder = new Int32Array(K * 2);
      this.mustShip = new Uint8Array(K * 2);
      this.forcedUnfilled = new Int32Array(K * 2);
      this.boundA = new Float64Array(K * 2 + 1);
      this.boundB = new Float64Array(K * 2 + 1);
    }
    for (let k = 0; k < K; k++) {
      let j = k;
      while (j > 0 && p.weight[this.lineOrder[j - 1]!]! < p.weight[k]!) {
        this.lineOrder[j] = this.lineOrder[j - 1]!;
        j--;
      }
      this.lineOrder[j] = k;
    }
  }

  /** Returns true when an assignment cheaper than `limit` was found (then in best*). */
  solve(chosen: Int32Array, size: number, limit: number, deadline: number, nodeBudget: number): boolean {
    const p = this.p;
    const K = this.K;
    this.s = size;
    this.limit = limit;
    this.deadline = deadline;
    this.nodeBudget = nodeBudget;
    this.nodes = 0;
    this.exhausted = false;
    if (this.members.length < size) {
      this.members = new Int32Array(size * 2);
      this.weightNow = new Float64Array(size * 2);
      this.sortScratch = new Int32Array(size * 2);
    }
    if (this.qty.length < size * K) this.qty = new Int32Array(size * K * 2);
    // Cheapest pound first, so the first leaves found are good incumbents.
    let anyStep = false;
    for (let t = 0; t < size; t++) {
      const c = chosen[t]!;
      if (p.step[c]! > 0) anyStep = true;
      let j = t;
      while (j > 0 && p.step[this.members[j - 1]!]! > p.step[c]!) {
        this.members[j] = this.members[j - 1]!;
        j--;
      }
      this.members[j] = c;
    }
    this.qty.fill(0, 0, size * K);
    return anyStep ? this.searchLines() : this.greedy();
  }

  private mu(c: number, k: number): number {
    return this.p.unit[c]! + this.p.lin[c]! * this.p.weight[k]!;
  }

  private greedy(): boolean {
    const p = this.p;
    const K = this.K;
    const s = this.s;
    const P = p.penalty;
    const ord = this.sortScratch;
    let cost = 0;
    let unfilled = 0;
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < s; t++) {
        const v = this.mu(this.members[t]!, k);
        let j = t;
        while (j > 0 && this.mu(this.members[ord[j - 1]!]!, k) > v) {
          ord[j] = ord[j - 1]!;
          j--;
        }
        ord[j] = t;
      }
      let r = p.quantity[k]!;
      for (let j = 0; j < s && r > 0; j++) {
        const t = ord[j]!;
        const c = this.members[t]!;
        const v = this.mu(c, k);
        if (v >= P) break;
        const a = p.avail[c * K + k]!;
        const x = a < r ? a : r;
        this.qty[t * K + k] = x;
        r -= x;
        cost += x * v;
      }
      unfilled += r;
    }
    cost += P * unfilled;
    for (let t = 0; t < s; t++) {
      let used = false;
      for (let k = 0; k < K && !used; k++) used = this.qty[t * K + k]! > 0;
      if (used) cost += p.fixed[this.members[t]!]!;
    }
    if (cost >= this.limit) return false;
    this.keepBest(cost, unfilled);
    return true;
  }

  private keepBest(cost: number, unfilled: number): void {
    const K = this.K;
    if (this.bestSet.length < this.s) this.bestSet = new Int32Array(this.s * 2);
    if (this.bestQty.length < this.s * K) this.bestQty = new Int32Array(this.s * K * 2);
    let n = 0;
    for (let t = 0; t < this.s; t++) {
      let used = false;
      for (let k = 0; k < K && !used; k++) used = this.qty[t * K + k]! > 0;
      if (!used) continue;
      this.bestSet[n] = this.members[t]!;
      for (let k = 0; k < K; k++) this.bestQty[n * K + k] = this.qty[t * K + k]!;
      n++;
    }
    this.bestSize = n;
    this.bestCost = cost;
    this.bestUnfilled = unfilled;
    this.limit = cost;
  }

  private searchLines(): boolean {
    const p = this.p;
    const K = this.K;
    const s = this.s;
    const P = p.penalty;
    this.fixedSum = 0;
    for (let t = 0; t < s; t++) {
      this.fixedSum += p.fixed[this.members[t]!]!;
      this.weightNow[t] = 0;
    }
    this.boundA[K] = 0;
    this.boundB[K] = 0;
    for (let j = K - 1; j >= 0; j--) {
      const k = this.lineOrder[j]!;
      const q = p.quantity[k]!;
      let total = 0;
      let minMu = Number.POSITIVE_INFINITY;
      let minMuStep = Number.POSITIVE_INFINITY;
      let worst = 0;
      for (let t = 0; t < s; t++) {
        const c = this.members[t]!;
        const a = p.avail[c * K + k]!;
        if (a === 0) continue;
        total += a;
        const v = this.mu(c, k);
        if (v < minMu) minMu = v;
        const vs = v + p.step[c]! * p.weight[k]!;
        if (vs < minMuStep) minMuStep = vs;
        const add = v + p.step[c]! * p.ceilWeight[k]!;
        if (add > worst) worst = add;
      }
      const ship = total < q ? total : q;
      this.forcedUnfilled[j] = q - ship;
      // A unit left unfilled beside spare stock could be added for at most `worst`.
      this.mustShip[j] = P >= worst ? 1 : 0;
      this.boundA[j] = this.boundA[j + 1]! + ship * Math.min(P, minMu) + (q - ship) * P;
      this.boundB[j] = this.boundB[j + 1]! + ship * Math.min(P, minMuStep) + (q - ship) * P;
    }
    const before = this.limit;
    this.line(0, 0, 0);
    return this.limit < before;
  }

  private line(j: number, linear: number, unfilled: number): void {
    if (this.exhausted) return;
    this.nodes++;
    if (this.nodes >= this.nodeBudget || ((this.nodes & 1023) === 0 && performance.now() > this.deadline)) {
      this.exhausted = true;
      return;
    }
    const p = this.p;
    const s = this.s;
    let stepCost = 0;
    let slack = 0;
    let empty = false;
    for (let t = 0; t < s; t++) {
      const w = this.weightNow[t]!;
      const step = p.step[this.members[t]!]!;
      if (w > 0) {
        const lb = billablePounds(w);
        stepCost += step * (lb - 1);
        slack += step * (lb - w);
      } else {
        empty = true;
        slack += step;
      }
    }
    const sofar = this.fixedSum + stepCost + linear + p.penalty * unfilled;
    if (j === this.K) {
      // A set with an idle node is priced (without it) as a smaller set of its own.
      if (!empty && sofar < this.limit) this.keepBest(sofar, unfilled);
      return;
    }
    const rest = Math.max(this.boundA[j]!, this.boundB[j]! - slack);
    if (sofar + rest >= this.limit) return;
    this.spread(j, 0, p.quantity[this.lineOrder[j]!]!, linear, unfilled);
  }

  /** Gives member t (and then the next ones) a share of the r units of line j left to place. */
  private spread(j: number, t: number, r: number, linear: number, unfilled: number): void {
    const p = this.p;
    const K = this.K;
    const k = this.lineOrder[j]!;
    if (t === this.s) {
      if (this.mustShip[j] && r > this.forcedUnfilled[j]!) return;
      this.line(j + 1, linear, unfilled + r);
      return;
    }
    const c = this.members[t]!;
    const a = p.avail[c * K + k]!;
    let later = this.mustShip[j] ? this.forcedUnfilled[j]! : r;
    for (let u = t + 1; u < this.s; u++) later += p.avail[this.members[u]! * K + k]!;
    const most = a < r ? a : r;
    const least = r - later > 0 ? r - later : 0;
    const w0 = this.weightNow[t]!;
    const w = p.weight[k]!;
    const v = this.mu(c, k);
    for (let x = most; x >= least; x--) {
      this.qty[t * K + k] = x;
      this.weightNow[t] = w0 + x * w;
      this.spread(j, t + 1, r - x, linear + x * v, unfilled);
      if (this.exhausted) break;
    }
    this.qty[t * K + k] = 0;
    this.weightNow[t] = w0;
  }
}
