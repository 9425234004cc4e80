import type { RoutingPolicy } from './policy-schema.ts';
import { type RouteOptions, routeOrder } from './route-order.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type { RoutingDecision, RoutingOrder } from './routing-types.ts';
import { applyPlan, cloneStockSnapshot, type StockSnapshot } from './stock-snapshot.ts';

const EPS = 1e-9;

export interface LocalSearchResult {
  decisions: RoutingDecision[];
  totalCost: number;
  /** Sum of each order's cheapest plan with the whole stock to itself: a lower bound of the batch. */
  standaloneBound: number;
  /** Per order, its standalone lower bound. */
  standalone: number[];
  /** False when some standalone bound is itself only a bound (search budget hit). */
  boundExact: boolean;
  moves: number;
}

/**
 * Batch heuristic for problems too large for the MIP: route the orders in turn, then repeat
 * improving moves until none helps or time runs out. A move takes one order's plan back and
 * re-routes it optimally against everything else; a pair move does so for an order that lost
 * the node it would use alone and the order holding that node, in both orders of routing.
 */
export function improveBatch(
  network: RoutingNetwork,
  initial: StockSnapshot,
  orders: readonly RoutingOrder[],
  policy: RoutingPolicy,
  deadline: number,
): LocalSearchResult {
  const opts = (): RouteOptions => ({
    explain: false,
    timeBudgetMs: Math.max(5, Math.min(200, deadline - performance.now())),
  });
  const route = (order: RoutingOrder, stock: StockSnapshot) =>
    routeOrder({ network, stock, order, policy, options: opts() });
  let standaloneBound = 0;
  let boundExact = true;
  const alone = orders.map((o) => {
    const d = route(o, initial);
    standaloneBound += d.search.lowerBound;
    if (!d.search.exact) boundExact = false;
    return d;
  });
  const stock = cloneStockSnapshot(initial);
  const current: RoutingDecision[] = orders.map((o) => {
    const d = route(o, stock);
    applyPlan(stock, d.plan);
    return d;
  });
  let moves = 0;
  const users = (node: string) =>
    current.flatMap((d, i) => (d.plan.shipments.some((s) => s.node === node) ? [i] : []));
  for (let improved = true; improved && performance.now() < deadline; ) {
    improved = false;
    for (let i = 0; i < orders.length && performance.now() < deadline; i++) {
      const old = current[i]!;
      applyPlan(stock, old.plan, -1);
      const next = route(orders[i]!, stock);
      if (next.cost.total < old.cost.total - EPS) {
        current[i] = next;
        applyPlan(stock, next.plan);
        improved = true;
        moves++;
      } else applyPlan(stock, old.plan);
    }
    for (let a = 0; a < orders.length && performance.now() < deadline; a++) {
      if (current[a]!.cost.total <= alone[a]!.cost.total + EPS) continue;
      for (const sh of alone[a]!.plan.shipments) {
        for (const b of users(sh.node)) {
          if (b === a || performance.now() >= deadline) continue;
          const before = current[a]!.cost.total + current[b]!.cost.total;
          applyPlan(stock, current[a]!.plan, -1);
          applyPlan(stock, current[b]!.plan, -1);
          let best: [RoutingDecision, RoutingDecision] | null = null;
          let bestCost = before - EPS;
          for (const [first, second] of [
            [a, b],
            [b, a],
          ] as const) {
            const d1 = route(orders[first]!, stock);
            applyPlan(stock, d1.plan);
            const d2 = route(orders[second]!, stock);
            applyPlan(stock, d1.plan, -1);
            if (d1.cost.total + d2.cost.total < bestCost) {
              bestCost = d1.cost.total + d2.cost.total;
              best = first === a ? [d1, d2] : [d2, d1];
            }
          }
          if (best) {
            current[a] = best[0];
            current[b] = best[1];
            improved = true;
            moves++;
          }
          applyPlan(stock, current[a]!.plan);
          applyPlan(stock, current[b]!.plan);
        }
      }
    }
  }
  const totalCost = current.reduce((s, d) => s + d.cost.total, 0);
  return {
    decisions: current,
    totalCost,
    standaloneBound,
    standalone: alone.map((d) => d.search.lowerBound),
    boundExact,
    moves,
  };
}
