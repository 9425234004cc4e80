import { EPS, type SearchIncumbent } from './search-incumbent.ts';
import type { SearchProblem } from './search-problem.ts';
import { SetAssignment } from './set-assignment.ts';
import { lineBound, marginal } from './split-bounds.ts';

/**
 * The exact search over sets of two or more nodes: a depth-first branch and bound over the
 * candidates no other candidate dominates, in order of package cost, bounded by the per-unit
 * relaxation and the fixed-cost-sharing bound of the chosen nodes plus those still to come;
 * each set's cheapest assignment of units is solved by `SetAssignment`.
 */
export class SplitSearch {
  /** Candidates kept for splits, by package cost less first pound: list[0..listLen). */
  list = new Int32Array(64);
  listLen = 0;
  private p!: SearchProblem;
  private s!: SearchIncumbent;
  private sorted = new Int32Array(64);
  private sufMarg = new Float64Array(64);
  private sufAvail = new Int32Array(64);
  /** Smallest per-line share of a package cost among the list from pos on that holds line k. */
  private sufShare = new Float64Array(64);
  private depthMarg = new Float64Array(64);
  private depthAvail = new Int32Array(64);
  private chosen = new Int32Array(16);
  private readonly assign = new SetAssignment();
  /** Set by `relaxed`: the same relaxation with each line's package share added (see shares). */
  private relaxedShared = 0;

  /** Sort order of the split search, kept as one function so sorting allocates nothing. */
  private readonly byPackageCost = (x: number, y: number): number => {
    const p = this.p;
    return p.fixed[x]! - p.step[x]! - (p.fixed[y]! - p.step[y]!) || x - y;
  };

  private dominates(a: number, b: number): boolean {
    const p = this.p;
    if (
      p.fixed[a]! > p.fixed[b]! ||
      p.step[a]! > p.step[b]! ||
      p.unit[a]! > p.unit[b]! ||
      p.lin[a]! > p.lin[b]!
    ) {
      return false;
    }
    // Merging b's package into a's adds at most one extra billable pound at a's rate.
    if (p.step[a]! > p.fixed[b]!) return false;
    const K = p.lineCount;
    for (let k = 0; k < K; k++) {
      if (p.avail[b * K + k]! > 0 && p.avail[a * K + k]! < p.quantity[k]!) return false;
    }
    return true;
  }

  /**
   * Keeps the candidates worth a place in a split, sorted by package cost less first pound.
   * b is dropped (dominatedBy[b] = a) when some a costs no more per package, per unit and per
   * lb and holds the whole ordered quantity of every line b could supply: b's units can then
   * always move to a.
   */
  prepareList(p: SearchProblem, dominatedBy: Int32Array): void {
    this.p = p;
    const C = p.candidateCount;
    if (this.list.length < C) {
      this.list = new Int32Array(C * 2);
      this.sorted = new Int32Array(C * 2);
    }
    const sorted = this.sorted.subarray(0, C);
    for (let c = 0; c < C; c++) sorted[c] = c;
    sorted.sort(this.byPackageCost);
    let n = 0;
    for (let i = 0; i < C; i++) {
      const b = sorted[i]!;
      let by = -1;
      // Dominators are cheap packages, hence near the front: a bounded scan finds most of them.
      const scan = Math.min(n, 12);
      for (let i = 0; i < scan; i++) {
        if (this.dominates(this.list[i]!, b)) {
          by = this.list[i]!;
          break;
        }
      }
      if (by >= 0) dominatedBy[b] = by;
      else this.list[n++] = b;
    }
    this.listLen = n;
  }

  /** Searches the sets of the list (after `prepareList`); improves `s` in place. */
  run(s: SearchIncumbent, shares: Float64Array, maxPackages: number): void {
    const p = this.p;
    this.s = s;
    const K = p.lineCount;
    const L = this.listLen;
    if (L < 2) return;
    const need = (L + 1) * K;
    if (this.sufMarg.length < need) {
      this.sufMarg = new Float64Array(need * 2);
      this.sufAvail = new Int32Array(need * 2);
      this.sufShare = new Float64Array(need * 2);
    }
    for (let k = 0; k < K; k++) {
      this.sufMarg[L * K + k] = Number.POSITIVE_INFINITY;
      this.sufAvail[L * K + k] = 0;
      this.sufShare[L * K + k] = Number.POSITIVE_INFINITY;
    }
    for (let pos = L - 1; pos >= 0; pos--) {
      const c = this.list[pos]!;
      const sh = shares[c]!;
      for (let k = 0; k < K; k++) {
        const next = (pos + 1) * K + k;
        const a = p.avail[c * K + k]!;
        const mg = a > 0 ? marginal(p, c, k) : Number.POSITIVE_INFINITY;
        const prev = this.sufMarg[next]!;
        this.sufMarg[pos * K + k] = mg < prev ? mg : prev;
        this.sufAvail[pos * K + k] = this.sufAvail[next]! + a;
        const ps = this.sufShare[next]!;
        this.sufShare[pos * K + k] = a > 0 && sh < ps ? sh : ps;
      }
    }
    const depthNeed = (maxPackages + 1) * K;
    if (this.depthMarg.length < depthNeed) {
      this.depthMarg = new Float64Array(depthNeed * 2);
      this.depthAvail = new Int32Array(depthNeed * 2);
    }
    for (let k = 0; k < K; k++) {
      this.depthMarg[k] = Number.POSITIVE_INFINITY;
      this.depthAvail[k] = 0;
    }
    if (this.chosen.length < maxPackages) this.chosen = new Int32Array(maxPackages * 2);
    this.assign.prepare(p);
    this.extend(0, 0, 0, maxPackages);
  }

  /** Relaxed cost of the lines for the nodes chosen to `depth` plus the list from `pos` on. */
  private relaxed(depth: number, pos: number): number {
    const p = this.p;
    const K = p.lineCount;
    const P = p.penalty;
    const base = depth * K;
    let sum = 0;
    let shared = 0;
    for (let k = 0; k < K; k++) {
      let m = this.depthMarg[base + k]!;
      const own = this.depthAvail[base + k]!;
      let a = own;
      let sh = own > 0 ? 0 : Number.POSITIVE_INFINITY;
      if (pos >= 0) {
        const sm = this.sufMarg[pos * K + k]!;
        if (sm < m) m = sm;
        a += this.sufAvail[pos * K + k]!;
        if (own === 0) sh = this.sufShare[pos * K + k]!;
      }
      const units = lineBound(p, k, m, a);
      sum += units;
      const withShare = units + sh;
      const all = P * p.quantity[k]!;
      shared += withShare < all ? withShare : all;
    }
    this.relaxedShared = shared;
    return sum;
  }

  /** Adds one more node (from list position `start` on) to the `depth` nodes chosen so far. */
  private extend(depth: number, start: number, fixedSum: number, maxPackages: number): void {
    const p = this.p;
    const s = this.s;
    const K = p.lineCount;
    const L = this.listLen;
    const cur = (depth + 1) * K;
    const prev = depth * K;
    for (let pos = start; pos < L; pos++) {
      if (s.timeUp()) return;
      s.nodes++;
      const c = this.list[pos]!;
      const f = fixedSum + p.fixed[c]! - p.step[c]!;
      for (let k = 0; k < K; k++) {
        const a = p.avail[c * K + k]!;
        const mg = a > 0 ? marginal(p, c, k) : Number.POSITIVE_INFINITY;
        const pm = this.depthMarg[prev + k]!;
        this.depthMarg[cur + k] = mg < pm ? mg : pm;
        this.depthAvail[cur + k] = this.depthAvail[prev + k]! + a;
      }
      const hasNext = pos + 1 < L;
      const nextFixed = hasNext ? p.fixed[this.list[pos + 1]!]! - p.step[this.list[pos + 1]!]! : 0;
      const relaxedOn = hasNext ? this.relaxed(depth + 1, pos + 1) : this.relaxed(depth + 1, -1);
      const sharedOn = this.relaxedShared;
      // Bounds on sets holding the chosen nodes and c and (lbMore) at least one more node.
      const lbMore = hasNext ? Math.max(f + nextFixed + relaxedOn, f + sharedOn) : Number.POSITIVE_INFINITY;
      const lbWith = depth === 0 ? lbMore : f + Math.max(relaxedOn, sharedOn);
      // Only bounds that never decrease along the list may end the loop. The sharing bound with c
      // paying its whole package cost does not (a later node may hold lines c lacks), so the
      // loop-ending form charges c a share like every node still to come.
      this.relaxed(depth, pos);
      const lbRest = Math.max(
        depth === 0 ? (hasNext ? f + nextFixed + relaxedOn : Number.POSITIVE_INFINITY) : f + relaxedOn,
        fixedSum + this.relaxedShared,
      );
      if (lbRest >= s.bestCost - EPS) return;
      if (lbWith >= s.bestCost - EPS) continue;
      this.chosen[depth] = c;
      if (depth >= 1 && f + this.relaxed(depth + 1, -1) < s.bestCost - EPS) {
        this.evaluate(depth + 1);
        if (s.exhausted) return;
      }
      if (depth + 1 < maxPackages && hasNext && lbMore < s.bestCost - EPS) {
        this.extend(depth + 1, pos + 1, f, maxPackages);
      }
    }
  }

  private evaluate(size: number): void {
    const s = this.s;
    s.setsEvaluated++;
    const a = this.assign;
    const improved = a.solve(this.chosen, size, s.bestCost - EPS, s.deadline, s.maxNodes - s.nodes);
    s.nodes += a.nodes;
    if (a.exhausted) s.exhausted = true;
    if (!improved) return;
    const K = this.p.lineCount;
    s.bestCost = a.bestCost;
    s.bestSize = a.bestSize;
    if (s.bestSet.length < a.bestSize) {
      s.bestSet = new Int32Array(a.bestSize * 2);
    }
    if (s.bestQty.length < a.bestSize * K) s.bestQty = new Int32Array(a.bestSize * K * 2);
    s.bestSet.set(a.bestSet.subarray(0, a.bestSize));
    s.bestQty.set(a.bestQty.subarray(0, a.bestSize * K));
    s.record(a.bestSet, a.bestSize, a.bestCost, a.bestUnfilled);
  }
}
