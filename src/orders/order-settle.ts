import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { appendOrderEvents, type EventContext, type OrderEvent } from './order-events.ts';
import { canMoveOrder, deriveOrderStatus, type OrderStatus, orderEventType } from './order-states.ts';
import { lineStatus, unitCounts } from './order-view.ts';

/**
 * Recomputes an order's status from where its units are, after any change to its lines or
 * fulfilment orders (the caller holds the order row lock). Moves it only along the state machine
 * (anything else is a bug and fails the transaction), keeps the backorder flag in step with the
 * units that wait, and writes `order-line.<status>` for each line whose status changed, then
 * `order.<status>` when the order's changed.
 */
export async function settleOrder(
  trx: Db,
  orderId: string,
  ctx: EventContext,
  detail: Record<string, unknown> = {},
): Promise<{ from: OrderStatus; to: OrderStatus; pending: number }> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'attempted', 'status_reason'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const [lines, fos, foLines] = await Promise.all([
    trx
      .selectFrom('order_lines')
      .select(['id', 'line_no', 'sku', 'quantity', 'cancelled', 'allocated', 'shipped', 'status'])
      .where('order_id', '=', orderId)
      .execute(),
    trx.selectFrom('fulfilment_orders').select(['id', 'status']).where('order_id', '=', orderId).execute(),
    trx
      .selectFrom('fulfilment_order_lines as l')
      .innerJoin('fulfilment_orders as f', 'f.id', 'l.fulfilment_order_id')
      .select(['l.fulfilment_order_id', 'l.order_line_id', 'l.quantity', 'l.short'])
      .where('f.order_id', '=', orderId)
      .execute(),
  ]);
  const { total, byLine } = unitCounts(lines, fos, foLines);
  const from = order.status as OrderStatus;
  const to = deriveOrderStatus(total, order.attempted);
  if (!canMoveOrder(from, to)) throw new Error(`order ${orderId}: no transition ${from} -> ${to}`);
  const waiting = to !== 'cancelled' && total.pending > 0;
  // Each line whose status moved gets its own event (and its stored status), in line order.
  const moved = lines
    .map((l) => ({ line: l, status: lineStatus(byLine.get(l.id)!) }))
    .filter((x) => x.status !== x.line.status)
    .sort((a, b) => a.line.line_no - b.line.line_no);
  await sql`
    WITH o AS (
      UPDATE orders SET status = ${to}, needs_allocation = ${waiting},
        waiting_since = CASE WHEN ${waiting} THEN coalesce(waiting_since, now()) END,
        status_reason = CASE WHEN ${waiting} THEN status_reason END,
        version = version + 1, updated_at = now()
      WHERE id = ${orderId}
      RETURNING 1
    )
    UPDATE order_lines l SET status = x.status
    FROM unnest(${moved.map((m) => m.line.id)}::uuid[], ${moved.map((m) => m.status)}::text[]) AS x(id, status)
    WHERE l.id = x.id`.execute(trx);
  const events: OrderEvent[] = moved.map((m) => ({
    type: `order-line.${m.status}`,
    payload: {
      orderId,
      lineId: m.line.id,
      lineNo: m.line.line_no,
      sku: m.line.sku,
      from: m.line.status,
      to: m.status,
      ...detail,
    },
  }));
  if (from !== to) events.push({ type: orderEventType(to), payload: { orderId, from, to, ...detail } });
  await appendOrderEvents(trx, orderId, events, ctx);
  return { from, to, pending: total.pending };
}

/** Locks an order row (the first lock every order change takes). */
export async function lockOrder(trx: Db, orderId: string) {
  return trx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
}
