import { openLinesByOrder } from '../orders/open-lines.ts';
import type { Db } from '../platform/db/database.ts';
import type { RoutingPolicy } from '../routing/index.ts';
import { comparePolicies, type TrialCase } from './policy-comparison.ts';
import type { PolicyTryResult } from './policy-schema.ts';
import type { RoutingContext, RoutingRequest } from './routing-context.ts';

export interface TrialRequest {
  policyId: string;
  draft: RoutingPolicy;
  active: RoutingPolicy | null;
  /** How many of the most recent routed orders to re-route. */
  orders: number;
}

/**
 * The most recent orders that were routed at least once, as routing requests: their destination,
 * channel, fulfilment type, service level and the units still wanted (ordered minus cancelled).
 */
async function recentRequests(
  db: Db,
  limit: number,
): Promise<{ requests: RoutingRequest[]; placed: Date[] }> {
  const orders = await db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.channel',
      'o.dest_lat',
      'o.dest_lon',
      'o.fulfilment',
      'o.pickup_node',
      'o.service_level',
      'o.placed_at',
    ])
    .where((eb) =>
      eb.exists(eb.selectFrom('order_decisions as d').select('d.id').whereRef('d.order_id', '=', 'o.id')),
    )
    .orderBy('o.placed_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(limit)
    .execute();
  if (orders.length === 0) return { requests: [], placed: [] };
  const byOrder = await openLinesByOrder(
    db,
    orders.map((o) => o.id),
  );
  const requests: RoutingRequest[] = [];
  const placed: Date[] = [];
  for (const o of orders) {
    const orderLines = byOrder.get(o.id);
    if (!orderLines) continue;
    requests.push({
      id: o.id,
      channel: o.channel,
      destination: { lat: o.dest_lat, lon: o.dest_lon },
      lines: orderLines,
      fulfilment: o.fulfilment as RoutingRequest['fulfilment'],
      pickupNode: o.pickup_node,
      serviceLevel: o.service_level,
      placedAt: o.placed_at,
    });
    placed.push(o.placed_at);
  }
  return { requests, placed };
}

/**
 * Re-routes recent orders with the draft and with the active version. The engine input of each
 * order is rebuilt through the routing context from today's network and stock (the order flow
 * stores decisions, not the stock they saw), at the order's own placing time for cut-offs; both
 * policies see exactly the same inputs, so the difference is the policy's alone.
 */
export async function tryDraft(db: Db, routing: RoutingContext, req: TrialRequest): Promise<PolicyTryResult> {
  const { requests, placed } = await recentRequests(db, req.orders);
  const cases: TrialCase[] = [];
  for (const r of requests) {
    const { input } = await routing.inputFor(r, { now: r.placedAt ?? new Date() });
    if (input.order.lines.length === 0) continue;
    cases.push({ network: input.network, stock: input.stock, order: input.order });
  }
  const comparison = comparePolicies(cases, req.draft, req.active);
  const times = placed.map((d) => d.getTime());
  return {
    policyId: req.policyId,
    draftVersion: req.draft.version,
    activeVersion: req.active?.version ?? null,
    sample: {
      requested: req.orders,
      routed: cases.length,
      from: times.length ? new Date(Math.min(...times)).toISOString() : null,
      to: times.length ? new Date(Math.max(...times)).toISOString() : null,
    },
    ...comparison,
  };
}
