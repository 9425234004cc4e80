import { billablePounds } from './billable-pounds.ts';
import type { SearchProblem } from './search-problem.ts';
import { SetAssignment } from './set-assignment.ts';

/** Costs closer than this are treated as equal when pruning (sequential examples differ by >= 1e-5). */
const EPS = 1e-9;

export interface SearchLimits {
  /** performance.now() value after which the search stops with the best plan found. */
  deadline: number;
  /** Most branch-and-bound nodes; a deterministic alternative to the deadline. */
  maxNodes: number;
}

export interface AlternativeRecord {
  set: number[];
  cost: number;
  unfilled: number;
}

/**
 * Exact cheapest plan for one order: every single-node plan is priced exactly, then a branch and
 * bound over sets of two or more nodes runs only when a lower bound on any multi-package plan is
 * below the best single-node plan. Sets are enumerated in order of increasing package cost over
 * candidates that no other candidate dominates; for each set the cheapest assignment of units is
 * solved exactly by `SetAssignment`.
 */
export class OrderSearch {
  bestCost = 0;
  bestSize = 0;
  bestSet = new Int32Array(8);
  /** Units per (member of bestSet, line): bestQty[t * lineCount + k]. */
  bestQty = new Int32Array(128);
  exhausted = false;
  nodes = 0;
  setsEvaluated = 0;
  lowerBound = 0;
  /** dominatedBy[c] = candidate that made the split search skip c, or -1. */
  dominatedBy = new Int32Array(64);
  alternatives: AlternativeRecord[] = [];

  private p!: SearchProblem;
  private keep = 0;
  private deadline = 0;
  private maxNodes = 0;
  private qty = new Int32Array(16);
  private order = new Int32Array(16);
  private list = new Int32Array(64);
  private sorted = new Int32Array(64);
  private listLen = 0;
  private sufMarg = new Float64Array(64);
  private sufAvail = new Int32Array(64);
  /** Smallest per-line share of a package cost among the list from pos on that holds line k. */
  private sufShare = new Float64Array(64);
  private depthMarg = new Float64Array(64);
  private depthAvail = new Int32Array(64);
  private chosen = new Int32Array(16);
  private readonly assign = new SetAssignment();

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
    this.dominatedBy.fill(-1, 0, C);
    this.bestCost = p.penalty * p.totalUnits;
    this.bestSize = 0;
    this.record(null, 0, this.bestCost, p.totalUnits);

    for (let c = 0; c < C; c++) {
      const cost = this.single(c, this.qty);
      this.nodes++;
      if (cost < this.bestCost - EPS) {
        this.bestCost = cost;
        this.bestSize = 1;
        this.bestSet[0] = c;
        this.bestQty.set(this.qty.subarray(0, K), 0);
      }
      if (this.keep > 0 && (this.alternatives.length <= this.keep || cost < this.alternatives.at(-1)!.cost)) {
        let shipped = 0;
        for (let k = 0; k < K; k++) shipped += this.qty[k]!;
        this.record([c], 1, cost, p.totalUnits - shipped);
      }
    }
    const maxPackages = Math.min(p.maxPackages, C);
    let multiBound = Number.POSITIVE_INFINITY;
    if (maxPackages >= 2) {
      this.computeShares();
      multiBound = this.multiPackageBound();
      if (multiBound < this.bestCost - EPS) {
        this.prepareList();
        this.addNodesGreedily(maxPackages);
        if (multiBound < this.bestCost - EPS) this.searchSets(maxPackages);
      }
    }
    this.lowerBound = this.exhausted ? Math.min(this.bestCost, multiBound) : this.bestCost;
  }

  private timeUp(): boolean {
    if (this.nodes >= this.maxNodes || ((this.nodes & 255) === 0 && performance.now() > this.deadline)) {
      this.exhausted = true;
    }
    return this.exhausted;
  }

  /** Keeps the cheapest few plans seen, for the explanation's alternatives. */
  private record(set: ArrayLike<number> | null, size: number, cost: number, unfilled: number): void {
    if (this.keep === 0) return;
    const alts = this.alternatives;
    if (alts.length > this.keep && cost >= alts.at(-1)!.cost) return;
    const entry = { set: set ? Array.from({ length: size }, (_, i) => set[i]!) : [], cost, unfilled };
    let at = alts.length;
    while (at > 0 && alts[at - 1]!.cost > cost) at--;
    alts.splice(at, 0, entry);
    if (alts.length > this.keep + 1) alts.pop();
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

  /**
   * Lower bound of one line's units in a relaxation: each unit ships from the cheapest node that
   * has any (per-unit cost plus per-lb price of its weight, first pound counted) or is unfilled.
   */
  private lineBound(k: number, marg: number, avail: number): number {
    const q = this.p.quantity[k]!;
    const P = this.p.penalty;
    const ship = avail < q ? avail : q;
    return ship * (marg < P ? marg : P) + (q - ship) * P;
  }

  /**
   * Share of a package's cost per line it can supply: a package serving lines L costs at least
   * the sum of its shares over L, so each line not yet served by a chosen node must pay one
   * share on top of its units (or go unfilled).
   */
  private share(c: number): number {
    return this.shares[c]!;
  }

  private shares = new Float64Array(64);

  private computeShares(): void {
    const p = this.p;
    const K = p.lineCount;
    const C = p.candidateCount;
    if (this.shares.length < C) this.shares = new Float64Array(C * 2);
    for (let c = 0; c < C; c++) {
      const f = p.fixed[c]! - p.step[c]!;
      let n = 0;
      for (let k = 0; k < K; k++) if (p.avail[c * K + k]! > 0) n++;
      // A negative package cost cannot be shared out: each line it serves is charged all of it.
      this.shares[c] = f <= 0 ? f : f / n;
    }
  }

  private marginal(c: number, k: number): number {
    const p = this.p;
    return p.unit[c]! + (p.lin[c]! + p.step[c]!) * p.weight[k]!;
  }

  /**
   * Any plan with two or more packages costs at least the two smallest package costs (each
   * less its first pound, which the per-unit relaxation already counts) plus the relaxation.
   */
  private multiPackageBound(): number {
    const p = this.p;
    const K = p.lineCount;
    const C = p.candidateCount;
    let f1 = Number.POSITIVE_INFINITY;
    let f2 = Number.POSITIVE_INFINITY;
    for (let c = 0; c < C; c++) {
      const f = p.fixed[c]! - p.step[c]!;
      if (f < f1) {
        f2 = f1;
        f1 = f;
      } else if (f < f2) f2 = f;
    }
    let sum = f1 + f2;
    let shared = 0;
    for (let k = 0; k < K; k++) {
      let m = Number.POSITIVE_INFINITY;
      let a = 0;
      let sh = Number.POSITIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const av = p.avail[c * K + k]!;
        if (av === 0) continue;
        a += av;
        const mg = this.marginal(c, k);
        if (mg < m) m = mg;
        const h = this.share(c);
        if (h < sh) sh = h;
      }
      const units = this.lineBound(k, m, a);
      sum += units;
      shared += Math.min(p.penalty * p.quantity[k]!, units + sh);
    }
    return Math.max(sum, shared);
  }

  private members = new Int32Array(16);
  private memberWeight = new Float64Array(16);
  private memberLinear = new Float64Array(16);
  private greedyQty = new Int32Array(256);

  /**
   * A good incumbent before the exact search, so that it prunes from the start: starting from the
   * best single node, keep adding the node that lowers the cost most (the ADD heuristic of
   * facility location), pricing each trial set with a quick per-line assignment.
   */
  private addNodesGreedily(maxPackages: number): void {
    const p = this.p;
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
    if (this.bestSize === 1) this.members[size++] = this.bestSet[0]!;
    let current = this.bestCost;
    while (size < maxPackages && !this.timeUp()) {
      let pick = -1;
      let pickCost = current - EPS;
      for (let pos = 0; pos < this.listLen; pos++) {
        const j = this.list[pos]!;
        let inSet = false;
        for (let t = 0; t < size && !inSet; t++) inSet = this.members[t] === j;
        if (inSet) continue;
        this.members[size] = j;
        this.nodes++;
        const cost = this.quickAssign(size + 1);
        if (cost < pickCost) {
          pickCost = cost;
          pick = j;
        }
      }
      if (pick < 0) break;
      this.members[size++] = pick;
      current = this.quickAssign(size);
      if (current < this.bestCost - EPS) {
        let n = 0;
        for (let t = 0; t < size; t++) {
          let used = false;
          for (let k = 0; k < K && !used; k++) used = this.greedyQty[t * K + k]! > 0;
          if (!used) continue;
          if (this.bestSet.length <= n) {
            const grown = new Int32Array(this.bestSet.length * 2);
            grown.set(this.bestSet);
            this.bestSet = grown;
          }
          if (this.bestQty.length < (n + 1) * K) {
            const grown = new Int32Array((n + 1) * K * 2);
            grown.set(this.bestQty);
            this.bestQty = grown;
          }
          this.bestSet[n] = this.members[t]!;
          for (let k = 0; k < K; k++) this.bestQty[n * K + k] = this.greedyQty[t * K + k]!;
          n++;
        }
        this.bestSize = n;
        this.bestCost = current;
        this.record(this.bestSet, n, current, this.shortOf(n));
      }
    }
  }

  private shortOf(size: number): number {
    const p = this.p;
    const K = p.lineCount;
    let short = 0;
    for (let k = 0; k < K; k++) {
      let left = p.quantity[k]!;
      for (let t = 0; t < size; t++) left -= this.bestQty[t * K + k]!;
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
          const m = this.marginal(c, k);
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
   * b is dropped when some a costs no more per package, per unit and per lb and holds the whole
   * ordered quantity of every line b could supply: b's units can then always move to a.
   */
  private prepareList(): void {
    const p = this.p;
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
      if (by >= 0) this.dominatedBy[b] = by;
      else this.list[n++] = b;
    }
    this.listLen = n;
  }

  private searchSets(maxPackages: number): void {
    const p = this.p;
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
      const sh = this.share(c);
      for (let k = 0; k < K; k++) {
        const next = (pos + 1) * K + k;
        const a = p.avail[c * K + k]!;
        const mg = a > 0 ? this.marginal(c, k) : Number.POSITIVE_INFINITY;
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

  /** Set by `relaxed`: the same relaxation with each line's package share added (see share). */
  private relaxedShared = 0;

  /** Relaxed cost of the lines for the nodes chosen to `depth` plus the list from `pos` on. */
  private relaxed(depth: number, pos: number): number {
    const K = this.p.lineCount;
    const P = this.p.penalty;
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
      const units = this.lineBound(k, m, a);
      sum += units;
      const withShare = units + sh;
      const all = P * this.p.quantity[k]!;
      shared += withShare < all ? withShare : all;
    }
    this.relaxedShared = shared;
    return sum;
  }

  /** Adds one more node (from list position `start` on) to the `depth` nodes chosen so far. */
  private extend(depth: number, start: number, fixedSum: number, maxPackages: number): void {
    const p = this.p;
    const K = p.lineCount;
    const L = this.listLen;
    const cur = (depth + 1) * K;
    const prev = depth * K;
    for (let pos = start; pos < L; pos++) {
      if (this.timeUp()) return;
      this.nodes++;
      const c = this.list[pos]!;
      const f = fixedSum + p.fixed[c]! - p.step[c]!;
      for (let k = 0; k < K; k++) {
        const a = p.avail[c * K + k]!;
        const mg = a > 0 ? this.marginal(c, k) : Number.POSITIVE_INFINITY;
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
      if (lbRest >= this.bestCost - EPS) return;
      if (lbWith >= this.bestCost - EPS) continue;
      this.chosen[depth] = c;
      if (depth >= 1 && f + this.relaxed(depth + 1, -1) < this.bestCost - EPS) {
        this.evaluate(depth + 1);
        if (this.exhausted) return;
      }
      if (depth + 1 < maxPackages && hasNext && lbMore < this.bestCost - EPS) {
        this.extend(depth + 1, pos + 1, f, maxPackages);
      }
    }
  }

  private evaluate(size: number): void {
    this.setsEvaluated++;
    const a = this.assign;
    const improved = a.solve(
      this.chosen,
      size,
      this.bestCost - EPS,
      this.deadline,
      this.maxNodes - this.nodes,
    );
    this.nodes += a.nodes;
    if (a.exhausted) this.exhausted = true;
    if (!improved) return;
    const K = this.p.lineCount;
    this.bestCost = a.bestCost;
    this.bestSize = a.bestSize;
    if (this.bestSet.length < a.bestSize) {
      this.bestSet = new Int32Array(a.bestSize * 2);
    }
    if (this.bestQty.length < a.bestSize * K) this.bestQty = new Int32Array(a.bestSize * K * 2);
    this.bestSet.set(a.bestSet.subarray(0, a.bestSize));
    this.bestQty.set(a.bestQty.subarray(0, a.bestSize * K));
    this.record(a.bestSet, a.bestSize, a.bestCost, a.bestUnfilled);
  }
}
