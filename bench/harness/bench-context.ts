/** What every benchmark receives: its arguments and a way to report figures. */
export interface Figure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  /** Free text shown in the table only (e.g. "target >= 0.6"). */
  note?: string;
}

export interface BenchContext {
  /** Arguments after the bench name, minus the harness's own flags (--json). */
  args: string[];
  /** Records one figure; printed as a JSON line at once with --json, in a table at the end otherwise. */
  report(figure: string, value: number, unit: string, note?: string): void;
  /** Progress text for humans; silent with --json so stdout stays machine-readable. */
  log(message: string): void;
}

export type Bench = (ctx: BenchContext) => Promise<void>;

/** Median of a non-empty list (used for "median of several runs"). */
export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (0..1) of a list by the nearest-rank method. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
