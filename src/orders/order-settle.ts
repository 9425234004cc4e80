import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { appendOrderEvents, type EventContext } from './order-events.ts';
import { canMoveOrder, deriveOrderStatus, type OrderStatus, orderEventType } from './order-states.ts';
import { unitCounts } from './order-view.ts';

/**
 * Recomputes an order's status from where its units are, after any change to its lines or
 * fulfilment orders (the caller holds the order row lock). Moves it only along the state machine
 * (anything else is a bug and fails the transaction), keeps the backorder flag in step with the
 * units that wait, and writes `order.<status>` when the status changed.
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
      .select(['id', 'quantity', 'cancelled', 'allocated', 'shipped'])
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
  const { total } = unitCounts(lines, fos, foLines);
  const from = order.status as OrderStatus;
  const to = deriveOrderStatus(total, order.attempted);
  if (!canMoveOrder(from, to)) throw new Error(`order ${orderId}: no transition ${from} -> ${to}`);
  const waiting = to !== 'cancelled' && total.pending > 0;
  await sql`
    UPDATE orders SET status = ${to}, needs_allocation = ${waiting},
      waiting_since = CASE WHEN ${waiting} THEN coalesce(waiting_since, now()) END,
      status_reason = CASE WHEN ${waiting} THEN status_reason END,
      version = version + 1, updated_at = now()
    WHERE id = ${orderId}`.execute(trx);
  if (from !== to) {
    await appendOrderEvents(
      trx,
      orderId,
      [{ type: orderEventType(to), payload: { orderId, from, to, ...detail } }],
      ctx,
    );
  }
  return { from, to, pending: total.pending };
}

/** Locks an order row (the first lock every order change takes). */
export async function lockOrder(trx: Db, orderId: string) {
  return trx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
}
