import type { SearchProblem } from './search-problem.ts';

/** Cost of one more unit of line k at candidate c beyond its package: per unit plus per lb. */
export function marginal(p: SearchProblem, c: number, k: number): number {
  return p.unit[c]! + (p.lin[c]! + p.step[c]!) * p.weight[k]!;
}

/**
 * Lower bound of one line's units in a relaxation: each unit ships from the cheapest node that
 * has any (per-unit cost plus per-lb price of its weight, first pound counted) or is unfilled.
 */
export function lineBound(p: SearchProblem, k: number, marg: number, avail: number): number {
  const q = p.quantity[k]!;
  const P = p.penalty;
  const ship = avail < q ? avail : q;
  return ship * (marg < P ? marg : P) + (q - ship) * P;
}

/**
 * Share of each candidate's package cost per line it can supply: a package serving lines L
 * costs at least the sum of its shares over L, so each line not yet served by a chosen node
 * must pay one share on top of its units (or go unfilled). Returns `into`, grown if needed.
 */
export function computeShares(p: SearchProblem, into: Float64Array): Float64Array {
  const K = p.lineCount;
  const C = p.candidateCount;
  const shares = into.length < C ? new Float64Array(C * 2) : into;
  for (let c = 0; c < C; c++) {
    const f = p.fixed[c]! - p.step[c]!;
    let n = 0;
    for (let k = 0; k < K; k++) if (p.avail[c * K + k]! > 0) n++;
    // A negative package cost cannot be shared out: each line it serves is charged all of it.
    shares[c] = f <= 0 ? f : f / n;
  }
  return shares;
}

/**
 * Any plan with two or more packages costs at least the two smallest package costs (each
 * less its first pound, which the per-unit relaxation already counts) plus the relaxation,
 * and at least each line's units plus its smallest share (see computeShares).
 */
export function multiPackageBound(p: SearchProblem, shares: Float64Array): number {
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
      const mg = marginal(p, c, k);
      if (mg < m) m = mg;
      const h = shares[c]!;
      if (h < sh) sh = h;
    }
    const units = lineBound(p, k, m, a);
    sum += units;
    shared += Math.min(p.penalty * p.quantity[k]!, units + sh);
  }
  return Math.max(sum, shared);
}
