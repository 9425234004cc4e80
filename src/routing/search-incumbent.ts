/** Costs closer than this are treated as equal when pruning (sequential examples differ by >= 1e-5). */
export const EPS = 1e-9;

export interface AlternativeRecord {
  set: number[];
  cost: number;
  unfilled: number;
}

/**
 * The best plan found so far for one order, with the search budget and the cheapest few plans
 * seen (for the explanation); shared by the single-node pass, the greedy seed and the split search.
 */
export class SearchIncumbent {
  bestCost = 0;
  bestSize = 0;
  bestSet = new Int32Array(8);
  /** Units per (member of bestSet, line): bestQty[t * lineCount + k]. */
  bestQty = new Int32Array(128);
  exhausted = false;
  nodes = 0;
  setsEvaluated = 0;
  alternatives: AlternativeRecord[] = [];
  /** How many alternatives to keep (0: none). */
  keep = 0;
  /** performance.now() value after which the search stops with the best plan found. */
  deadline = 0;
  /** Most branch-and-bound nodes; a deterministic alternative to the deadline. */
  maxNodes = 0;

  timeUp(): boolean {
    if (this.nodes >= this.maxNodes || ((this.nodes & 255) === 0 && performance.now() > this.deadline)) {
      this.exhausted = true;
    }
    return this.exhausted;
  }

  /** Keeps the cheapest few plans seen, for the explanation's alternatives. */
  record(set: ArrayLike<number> | null, size: number, cost: number, unfilled: number): void {
    if (this.keep === 0) return;
    const alts = this.alternatives;
    if (alts.length > this.keep && cost >= alts.at(-1)!.cost) return;
    const entry = { set: set ? Array.from({ length: size }, (_, i) => set[i]!) : [], cost, unfilled };
    let at = alts.length;
    while (at > 0 && alts[at - 1]!.cost > cost) at--;
    alts.splice(at, 0, entry);
    if (alts.length > this.keep + 1) alts.pop();
  }
}
