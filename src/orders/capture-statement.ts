import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  type Allocation,
  type AllocationPlan,
  allocationOf,
  MAX_ROUTING_ATTEMPTS,
  planAgain,
} from '../fulfilment/allocation.ts';
import { capacityClaimCte, capacityKey } from '../fulfilment/capacity.ts';
import type { RoutingContext } from '../fulfilment/routing-context.ts';
import { type ReserveWrite, reserveCtes } from '../inventory/reserve-statement.ts';
import type { Db } from '../platform/db/database.ts';
import { captureCtes } from './capture-write.ts';
import type { EventContext, OrderEvent } from './order-events.ts';
import type { OrderLineRow, OrderRow } from './order-view.ts';

/** The rows and events a capture writes for an allocation (built by the caller). */
export interface CaptureRows {
  order: OrderRow;
  lines: OrderLineRow[];
  events: OrderEvent[];
}

/** SQLSTATE raised by `capture_guard` (migration 0032): the statement wrote nothing. */
const GUARD_FAILED = 'OGC01';

/** The one statement covers a plan with something to reserve and at most one claim per node-day. */
export function fitsOneStatement(plan: AllocationPlan): boolean {
  const keys = new Set(plan.claims.map((c) => capacityKey(c.nodeId, c.day)));
  return plan.drafts.length > 0 && keys.size === plan.claims.length;
}

function reserveWriteFor(plan: AllocationPlan, ctx: EventContext, now: Date): ReserveWrite {
  const owner = { type: 'order', id: plan.order.id };
  const requestId = randomUUID();
  const lines = plan.drafts.flatMap((d) =>
    d.lines.map((l) => {
      l.reservationId = randomUUID();
      return { id: l.reservationId, lineId: l.id, nodeId: d.nodeId, sku: l.sku, quantity: l.quantity };
    }),
  );
  const numbered = lines.map((l, line) => ({ ...l, line }));
  return {
    lines: numbered,
    requestId,
    owner,
    expiresAt: null,
    now,
    reason: `order ${plan.trigger}`,
    actor: ctx.actor ?? null,
    correlationId: ctx.correlationId ?? plan.order.id,
    // The same `reservation.created` event the reservation service writes.
    eventAggregateId: `order:${plan.order.id}`,
    eventPayload: { requestId, owner, expiresAt: null, reservations: numbered },
  };
}

/**
 * Captures an order in ONE autocommit statement: the capacity claim, the reservation (the
 * reservation service's own statement parts) and the order write. Locks are taken in the global
 * order: capacity rows (node, day), then positions (node, sku), then the order's unique key.
 * Each part runs only if the one before succeeded, and `capture_guard` aborts the statement —
 * PostgreSQL undoes all of it — when any guard failed, so nothing is written half-way.
 *
 * Answers the written allocation and rows; null when the channel order id was captured already;
 * 'fallback' when the retries ran out (the caller's transaction path then stores what waits).
 * Throws `StockMoved` (stock or capacity moved since the decision) to be planned again.
 */
export async function captureInOneStatement(
  db: Db,
  routing: RoutingContext,
  plan: AllocationPlan,
  rowsFor: (a: Allocation) => CaptureRows,
  ctx: EventContext,
  now: Date,
): Promise<{ allocation: Allocation; rows: CaptureRows } | null | 'fallback'> {
  const write = reserveWriteFor(plan, ctx, now);
  const allocation = allocationOf(plan, plan.drafts);
  const rows = rowsFor(allocation);
  const claims = plan.claims.length;
  try {
    await sql`
      WITH ${capacityClaimCte(plan.claims)},
      ${reserveCtes(write, sql`(SELECT count(*) FROM cap) = ${claims}::int`)},
      ${captureCtes(rows.order, rows.lines, allocation, rows.events, ctx, sql`(SELECT ok FROM go)`)}
      SELECT capture_guard(CASE
          WHEN (SELECT count(*) FROM cap) < ${claims}::int THEN 'capacity-taken'
          WHEN NOT coalesce((SELECT ok FROM go), false) OR (SELECT count(*) FROM u) < (SELECT count(*) FROM d)
            THEN 'stock-moved'
          WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'already-captured'
        END) AS ok,
        (SELECT count(*) FROM woke) AS woke, (SELECT count(*) FROM ev_notify) AS notified
    `.execute(db);
  } catch (err) {
    const failure = (err as { code?: string }).code === GUARD_FAILED ? (err as Error).message : null;
    if (failure === 'already-captured') return null;
    if (failure === 'capacity-taken') await routing.refreshCapacity(db);
    if (failure === null) throw err;
    if (plan.attempts >= MAX_ROUTING_ATTEMPTS) return 'fallback';
    return planAgain(db, routing, plan, failure === 'stock-moved');
  }
  for (const c of plan.claims) routing.noteCapacity(c.nodeId, c.day, c.packages);
  return { allocation, rows };
}
