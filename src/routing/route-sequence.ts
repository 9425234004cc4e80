import type { RoutingPolicy } from './policy-schema.ts';
import { type RouteOptions, routeOrder } from './route-order.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type { RoutingDecision, RoutingOrder } from './routing-types.ts';
import { applyPlan, type StockSnapshot } from './stock-snapshot.ts';

/**
 * Sequential mode, as the live flow works: each order in turn gets its best plan given what the
 * orders before it left, and that plan is taken out of `stock` (which this mutates).
 */
export function routeSequence(
  network: RoutingNetwork,
  stock: StockSnapshot,
  orders: readonly RoutingOrder[],
  policy?: RoutingPolicy,
  options?: RouteOptions,
): RoutingDecision[] {
  const decisions: RoutingDecision[] = [];
  for (const order of orders) {
    const d = routeOrder({
      network,
      stock,
      order,
      ...(policy ? { policy } : {}),
      ...(options ? { options } : {}),
    });
    applyPlan(stock, d.plan);
    decisions.push(d);
  }
  return decisions;
}
