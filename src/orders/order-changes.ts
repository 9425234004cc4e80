import { sql } from 'kysely';
import { type FoRef, unwindFo } from '../fulfilment/fo-unwind.ts';
import { FO_OPEN } from '../fulfilment/fulfilment-order-states.ts';
import { releaseHeld } from '../fulfilment/node-work.ts';
import { reallocateOrder } from '../fulfilment/reallocation.ts';
import { resolveDestination } from '../network/destination-resolver.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { OrderDeps } from './order-capture.ts';
import { appendOrderEvents, type EventContext } from './order-events.ts';
import { getOrderView } from './order-read.ts';
import type { CancelRequest, ChangeRequest, HoldRequest, OrderView } from './order-schema.ts';
import { lockOrder, settleOrder } from './order-settle.ts';
import { ORDER_ACTIONS, type OrderAction, type OrderStatus, orderActionAllowed } from './order-states.ts';

async function lockFor(trx: Db, id: string, action: OrderAction) {
  const order = await lockOrder(trx, id);
  if (!order) throw new AppError('order-not-found', `Order ${id} does not exist`);
  if (!orderActionAllowed(action, order.status as OrderStatus)) {
    throw new AppError(
      action === 'change' ? 'order-not-changeable' : 'illegal-transition',
      `Cannot ${action} an order that is ${order.status}`,
      { extra: { currentState: order.status, allowedFrom: ORDER_ACTIONS[action] } },
    );
  }
  return order;
}

/** Takes back every open fulfilment order of the order (or those holding some lines), with one event each. */
async function unwindOpen(
  trx: Db,
  orderId: string,
  status: 'cancelled' | 'withdrawn',
  reason: string,
  ctx: EventContext,
  onlyLines?: readonly string[],
): Promise<void> {
  let q = trx
    .selectFrom('fulfilment_orders as f')
    .select([
      'f.id',
      'f.order_id',
      'f.node_id',
      'f.status',
      sql<string | null>`to_char(f.capacity_day, 'YYYY-MM-DD')`.as('capacity_day'),
    ])
    .where('f.order_id', '=', orderId)
    .where('f.status', 'in', FO_OPEN as FoStatusList)
    .orderBy('f.seq');
  if (onlyLines) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('fulfilment_order_lines as l')
          .select('l.id')
          .whereRef('l.fulfilment_order_id', '=', 'f.id')
          .where('l.order_line_id', 'in', onlyLines as string[]),
      ),
    );
  }
  const fos = await q.execute();
  const events = [];
  for (const fo of fos) {
    const moved = await sql`
      UPDATE fulfilment_orders SET status = ${status}, reason = ${reason}, version = version + 1, updated_at = now()
      WHERE id = ${fo.id} AND status = ANY(${FO_OPEN as string[]}::text[]) RETURNING id`.execute(trx);
    if (moved.rows.length === 0) continue;
    await unwindFo(trx, fo as FoRef, { cancelUnits: false, exclude: false, reason }, ctx);
    events.push({
      type: `fulfilment-order.${status}`,
      payload: { fulfilmentOrderId: fo.id, orderId, nodeId: fo.node_id, from: fo.status, to: status, reason },
    });
  }
  await appendOrderEvents(trx, orderId, events, ctx);
}
type FoStatusList = ('created' | 'released' | 'accepted' | 'picking' | 'packed' | 'ready-for-pickup')[];

/**
 * Cancels the whole order, or some units of some lines, while they are not shipped: open
 * fulfilment orders holding them are cancelled (reservations released, capacity freed, the node
 * told by `fulfilment-order.cancelled`), the units cancelled, and whatever else those fulfilment
 * orders held is routed again.
 */
export async function cancelOrder(
  deps: OrderDeps,
  id: string,
  req: CancelRequest,
  ctx: EventContext,
): Promise<OrderView> {
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };
  const reason = req.reason ?? 'cancelled by request';
  const rest = await deps.db.transaction().execute(async (trx) => {
    await lockFor(trx, id, 'cancel');
    const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', id).execute();
    const wanted = new Map<string, number | undefined>();
    if (req.lines) {
      for (const [i, l] of req.lines.entries()) {
        const line = lines.find((x) => x.id === l.lineId);
        if (!line) {
          throw new AppError('invalid-order', `Order ${id} has no line ${l.lineId}`, {
            errors: [{ pointer: `/lines/${i}/lineId`, detail: 'no such line in this order', in: 'body' }],
          });
        }
        const open = line.quantity - line.cancelled - line.shipped;
        if ((l.quantity ?? open) > open) {
          throw new AppError(
            'invalid-order',
            `Line ${l.lineId} has ${open} units that can still be cancelled`,
            {
              errors: [{ pointer: `/lines/${i}/quantity`, detail: `at most ${open}`, in: 'body' }],
            },
          );
        }
        wanted.set(l.lineId, l.quantity);
      }
    }
    const lineIds = req.lines ? [...wanted.keys()] : undefined;
    await unwindOpen(trx, id, 'cancelled', reason, ectx, lineIds);
    // Every unit of the named lines (or the whole order) is now pending or shipped: cancel the pending ones.
    const after = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', id).execute();
    const cancelled: { lineId: string; quantity: number }[] = [];
    for (const l of after) {
      if (lineIds && !lineIds.includes(l.id)) continue;
      const pending = l.quantity - l.cancelled - l.allocated - l.shipped;
      const q = Math.min(pending, wanted.get(l.id) ?? pending);
      if (q <= 0) continue;
      await trx
        .updateTable('order_lines')
        .set({ cancelled: l.cancelled + q })
        .where('id', '=', l.id)
        .execute();
      cancelled.push({ lineId: l.id, quantity: q });
    }
    await appendOrderEvents(
      trx,
      id,
      [{ type: 'order.lines-cancelled', payload: { orderId: id, reason, lines: cancelled } }],
      ectx,
    );
    const settled = await settleOrder(trx, id, ectx, { reason });
    return settled.pending;
  });
  if (rest > 0) await reallocateOrder(deps, id, 'change', ectx);
  return getOrderView(deps.db, id);
}

/**
 * Changes the address or line quantities before release: the order's fulfilment orders (not yet
 * released) are withdrawn and the whole order routed again with the new data.
 */
export async function changeOrder(
  deps: OrderDeps,
  id: string,
  req: ChangeRequest,
  ctx: EventContext,
): Promise<OrderView> {
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };
  let point: { lat: number; lon: number; source: string; label: string } | null = null;
  if (req.destination) {
    const r = resolveDestination(req.destination);
    if (!r.ok) {
      throw new AppError('destination-unresolvable', r.message, {
        errors: [{ pointer: `/destination${r.pointer}`, detail: r.message, in: 'body' }],
      });
    }
    point = r;
  }
  await deps.db.transaction().execute(async (trx) => {
    await lockFor(trx, id, 'change');
    const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', id).execute();
    for (const [i, l] of (req.lines ?? []).entries()) {
      if (!lines.some((x) => x.id === l.lineId)) {
        throw new AppError('invalid-order', `Order ${id} has no line ${l.lineId}`, {
          errors: [{ pointer: `/lines/${i}/lineId`, detail: 'no such line in this order', in: 'body' }],
        });
      }
    }
    await unwindOpen(trx, id, 'withdrawn', 'order changed', ectx);
    if (req.destination && point) {
      const destination = {
        ...req.destination,
        lat: point.lat,
        lon: point.lon,
        source: point.source,
        label: point.label,
      };
      await trx
        .updateTable('orders')
        .set({ destination: JSON.stringify(destination), dest_lat: point.lat, dest_lon: point.lon })
        .where('id', '=', id)
        .execute();
    }
    for (const l of req.lines ?? []) {
      const line = lines.find((x) => x.id === l.lineId)!;
      const set =
        l.quantity === 0
          ? { cancelled: line.quantity }
          : { quantity: line.cancelled + line.shipped + l.quantity };
      await trx.updateTable('order_lines').set(set).where('id', '=', l.lineId).execute();
    }
    await appendOrderEvents(
      trx,
      id,
      [
        {
          type: 'order.changed',
          payload: { orderId: id, destination: req.destination ?? null, lines: req.lines ?? [] },
        },
      ],
      ectx,
    );
    await settleOrder(trx, id, ectx, { reason: 'changed' });
  });
  await reallocateOrder(deps, id, 'change', ectx);
  return getOrderView(deps.db, id);
}

/** Places a hold: fulfilment orders routed from now on stay unreleased until every hold is lifted. */
export async function placeHold(
  deps: OrderDeps,
  id: string,
  req: HoldRequest,
  ctx: EventContext,
): Promise<OrderView> {
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };
  await deps.db.transaction().execute(async (trx) => {
    const order = await lockFor(trx, id, 'hold');
    if (order.holds.includes(req.type)) return;
    await trx
      .updateTable('orders')
      .set({ holds: [...order.holds, req.type], updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await appendOrderEvents(
      trx,
      id,
      [{ type: 'order.hold-placed', payload: { orderId: id, hold: req.type, reason: req.reason ?? null } }],
      ectx,
    );
  });
  return getOrderView(deps.db, id);
}

/** Lifts a hold; with none left, the fulfilment orders held back are released to their nodes. */
export async function liftHold(
  deps: OrderDeps,
  id: string,
  type: string,
  ctx: EventContext,
): Promise<OrderView> {
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };
  await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, id);
    if (!order) throw new AppError('order-not-found', `Order ${id} does not exist`);
    if (!order.holds.includes(type)) return;
    const holds = order.holds.filter((h) => h !== type);
    await trx.updateTable('orders').set({ holds, updated_at: new Date() }).where('id', '=', id).execute();
    await appendOrderEvents(
      trx,
      id,
      [{ type: 'order.hold-lifted', payload: { orderId: id, hold: type } }],
      ectx,
    );
    if (holds.length === 0) {
      await releaseHeld(trx, id, ectx);
      await settleOrder(trx, id, ectx, { reason: 'holds lifted' });
    }
  });
  return getOrderView(deps.db, id);
}
