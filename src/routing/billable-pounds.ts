/**
 * Billable pounds of a package of W lb: max(1, ceil(W rounded to 6 decimals)). The rounding
 * absorbs floating-point noise such as 0.1 + 0.2 > 0.3 when summing unit weights.
 */
export function billablePounds(weightLb: number): number {
  const rounded = Math.round(weightLb * 1e6) / 1e6;
  const lb = Math.ceil(rounded);
  return lb < 1 ? 1 : lb;
}
