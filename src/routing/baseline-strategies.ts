import type { RoutingNetwork } from './routing-network.ts';
import type { RoutingStrategy } from './routing-types.ts';
import type { SearchProblem } from './search-problem.ts';

export interface BaselineOptions {
  /** Node ids in the fixed order of `priority-order` (default: network order). */
  priorityOrder?: readonly string[];
  /** Node id of `single-location` (default: the first warehouse of the network). */
  location?: string;
}

export interface BaselinePlan {
  set: number[];
  /** Units per (member of set, line). */
  qty: Int32Array;
}

/**
 * Rules common in order management products, kept as strategies to compare the optimiser
 * against. They see the same candidates (so the same eligibility, stock, capacity, latestDays
 * and maxShipments) but ignore cost.
 */
export function runBaseline(
  strategy: Exclude<RoutingStrategy, 'optimal'>,
  net: RoutingNetwork,
  p: SearchProblem,
  options: BaselineOptions,
): BaselinePlan {
  const K = p.lineCount;
  const C = p.candidateCount;
  const x = new Int32Array(C * K);
  const used = new Uint8Array(C);
  let packages = 0;
  const max = p.maxPackages;
  const canUse = (c: number) => used[c] === 1 || packages < max;
  const take = (c: number, k: number, n: number) => {
    if (!used[c]) {
      used[c] = 1;
      packages++;
    }
    x[c * K + k] = x[c * K + k]! + n;
  };
  const all = Array.from({ length: C }, (_, c) => c);
  if (strategy === 'single-location') {
    const id = options.location ?? net.definition.nodes.find((n) => n.kind === 'warehouse')?.id;
    const c = all.find((c) => net.nodeIds[p.node[c]!] === id);
    if (c !== undefined)
      for (let k = 0; k < K; k++) if (p.avail[c * K + k]! > 0) take(c, k, p.avail[c * K + k]!);
  } else if (strategy === 'priority-order') {
    const rank = new Map((options.priorityOrder ?? []).map((id, i) => [id, i]));
    const order = all.sort(
      (a, b) =>
        (rank.get(net.nodeIds[p.node[a]!]!) ?? rank.size + p.node[a]!) -
        (rank.get(net.nodeIds[p.node[b]!]!) ?? rank.size + p.node[b]!),
    );
    for (let k = 0; k < K; k++) {
      const c = order.find((c) => p.avail[c * K + k] === p.quantity[k] && canUse(c));
      if (c !== undefined) take(c, k, p.quantity[k]!);
    }
  } else {
    for (let k = 0; k < K; k++) {
      const order =
        strategy === 'nearest'
          ? all.filter((c) => p.avail[c * K + k]! > 0).sort((a, b) => p.miles[a]! - p.miles[b]! || a - b)
          : all
              .filter((c) => p.avail[c * K + k]! > 0)
              .sort((a, b) => p.stock[b * K + k]! - p.stock[a * K + k]! || a - b);
      let r = p.quantity[k]!;
      for (const c of order) {
        if (r === 0) break;
        if (!canUse(c)) continue;
        const n = Math.min(r, p.avail[c * K + k]!);
        take(c, k, n);
        r -= n;
      }
    }
  }
  const set = all.filter((c) => used[c]).sort((a, b) => a - b);
  const qty = new Int32Array(set.length * K);
  set.forEach((c, t) => {
    for (let k = 0; k < K; k++) qty[t * K + k] = x[c * K + k]!;
  });
  return { set, qty };
}
