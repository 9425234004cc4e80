/**
 * One order's routing problem in flat typed arrays, reused from call to call so the hot path
 * allocates nothing. Candidate c supplies line k from `avail[c * lineCount + k]` units.
 *
 * A package from candidate c carrying units x_k of total weight W costs
 *   fixed[c] + step[c] * (billable(W) - 1) + sum_k x_k * (unit[c] + lin[c] * weight[k])
 * which covers both rate models (zone: step = per lb; linear: unit = per unit) plus the
 * optional CO2e term (lin), and every unit not shipped costs `penalty`.
 */
export class SearchProblem {
  lineCount = 0;
  candidateCount = 0;
  penalty = 0;
  /** Most packages for the order (never above candidateCount for the search). */
  maxPackages = 1;
  totalUnits = 0;
  sku = new Int32Array(16);
  quantity = new Int32Array(16);
  weight = new Float64Array(16);
  /** ceil(weight): the most billable pounds one unit can add to a package. */
  ceilWeight = new Float64Array(16);
  node = new Int32Array(64);
  miles = new Float64Array(64);
  days = new Int32Array(64);
  fixed = new Float64Array(64);
  step = new Float64Array(64);
  unit = new Float64Array(64);
  lin = new Float64Array(64);
  /** Units the candidate can supply per line: min(stock left, quantity). */
  avail = new Int32Array(64 * 16);
  /** Stock left per line (after protected units), for the most-stock baseline. */
  stock = new Int32Array(64 * 16);

  reset(lineCount: number, nodeCount: number): void {
    this.lineCount = lineCount;
    this.candidateCount = 0;
    this.totalUnits = 0;
    if (this.sku.length < lineCount) {
      const n = Math.max(lineCount, this.sku.length * 2);
      this.sku = new Int32Array(n);
      this.quantity = new Int32Array(n);
      this.weight = new Float64Array(n);
      this.ceilWeight = new Float64Array(n);
    }
    if (this.node.length < nodeCount) {
      const n = Math.max(nodeCount, this.node.length * 2);
      this.node = new Int32Array(n);
      this.miles = new Float64Array(n);
      this.days = new Int32Array(n);
      this.fixed = new Float64Array(n);
      this.step = new Float64Array(n);
      this.unit = new Float64Array(n);
      this.lin = new Float64Array(n);
    }
    if (this.avail.length < nodeCount * lineCount) {
      const n = Math.max(nodeCount * lineCount, this.avail.length * 2);
      this.avail = new Int32Array(n);
      this.stock = new Int32Array(n);
    }
  }
}
