import { sql } from 'kysely';
import { consumeReservation, releaseReservation } from '../inventory/reservation-changes.ts';
import type { OrderDeps } from '../orders/order-capture.ts';
import { appendOrderEvents, type EventContext } from '../orders/order-events.ts';
import type { FulfilmentOrderView } from '../orders/order-schema.ts';
import { lockOrder, settleOrder } from '../orders/order-settle.ts';
import { toFoView } from '../orders/order-view.ts';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import type { Principal } from '../platform/auth/roles.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { ACCEPT_SLA_MINUTES } from './allocation.ts';
import { freeCapacity } from './capacity.ts';
import { correctNodeStock, unwindFo } from './fo-unwind.ts';
import {
  allowedFrom,
  FO_TRANSITIONS,
  type FoAction,
  type FoKind,
  type FoStatus,
} from './fulfilment-order-states.ts';
import type { RejectRequest, ShipRequest, ShortPickRequest } from './fulfilment-schema.ts';
import { type ReallocationResult, reallocateOrder } from './reallocation.ts';

export interface ActionOutcome {
  fulfilmentOrder: FulfilmentOrderView;
  orderStatus: string;
  rerouted: Pick<ReallocationResult, 'allocatedUnits' | 'pendingUnits' | 'fulfilmentOrders'> | null;
}

export type ActionBody =
  | { action: 'reject'; body: RejectRequest }
  | { action: 'ship'; body: ShipRequest }
  | { action: Exclude<FoAction, 'reject' | 'ship'>; body?: { note?: string; reason?: string } };

async function foHead(db: Db, id: string) {
  const fo = await db
    .selectFrom('fulfilment_orders as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select(['f.id', 'f.order_id', 'f.node_id', 'f.kind', 'f.status', 'f.capacity_day', 'o.pickup_node'])
    .where('f.id', '=', id)
    .executeTakeFirst();
  if (!fo) throw new AppError('fulfilment-order-not-found', `Fulfilment order ${id} does not exist`);
  return fo;
}

export async function getFoView(db: Db, id: string): Promise<FulfilmentOrderView> {
  const fo = await db.selectFrom('fulfilment_orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!fo) throw new AppError('fulfilment-order-not-found', `Fulfilment order ${id} does not exist`);
  const lines = await db
    .selectFrom('fulfilment_order_lines')
    .selectAll()
    .where('fulfilment_order_id', '=', id)
    .execute();
  return toFoView(fo, lines);
}

function illegal(action: string, current: string, allowed: readonly string[]): AppError {
  return new AppError(
    'illegal-transition',
    allowed.length
      ? `Cannot ${action} a fulfilment order that is ${current} (needs ${allowed.join(' or ')})`
      : `${action} does not apply to this kind of fulfilment order`,
    { extra: { currentState: current, allowedFrom: allowed } },
  );
}

/**
 * Moves a fulfilment order one step, under the order's row lock, with a conditional UPDATE on its
 * current status (two concurrent actions cannot both win; the loser gets 409 with the state that
 * won). Side effects in the same transaction: ship / hand-over consume the reservations, reject
 * and cancel give them back (reject with a stock reason also corrects the node's on hand), then
 * the order's status is settled and one event written per change. A rejection's units are routed
 * again right after the commit, excluding that node for this order.
 */
export async function actOnFo(
  deps: OrderDeps,
  id: string,
  req: ActionBody,
  principal: Principal | null,
  ctx: EventContext,
  now = new Date(),
): Promise<ActionOutcome> {
  const head = await foHead(deps.db, id);
  const action = req.action;
  // Ship-to-store: the pickup store receives the parcel, makes it ready and hands it over.
  const atStore = head.kind === 'ship-to-store' && (action === 'ready-for-pickup' || action === 'hand-over');
  if (principal) assertNodeAccess(principal, atStore && head.pickup_node ? head.pickup_node : head.node_id);
  const allowed = allowedFrom(action, head.kind as FoKind);
  if (allowed.length === 0) throw illegal(action, head.status, allowed);
  const to = FO_TRANSITIONS[action].to;
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? head.order_id };
  let reroute = false;
  const reason =
    action === 'reject'
      ? (req.body as RejectRequest).reason +
        ((req.body as RejectRequest).note ? `: ${(req.body as RejectRequest).note}` : '')
      : action === 'cancel' || action === 'withdraw'
        ? ((req.body as { reason?: string } | undefined)?.reason ?? action)
        : null;
  const orderStatus = await deps.db.transaction().execute(async (trx) => {
    await lockOrder(trx, head.order_id);
    const set: Record<string, unknown> = {};
    if (action === 'accept') set.accepted_at = now;
    if (action === 'ship') {
      const body = req.body as ShipRequest;
      Object.assign(set, { shipped_at: now, carrier: body.carrier, tracking_number: body.trackingNumber });
    }
    if (action === 'deliver' || action === 'hand-over') set.completed_at = now;
    if (action === 'release') Object.assign(set, { released_at: now });
    if (reason !== null) set.reason = reason;
    const updated = await sql<{
      id: string;
      status: string;
      kind: string;
      node_id: string;
      capacity_day: string | null;
    }>`
      UPDATE fulfilment_orders SET status = ${to}, version = version + 1, updated_at = ${now.toISOString()}::timestamptz,
        accepted_at = coalesce(${(set.accepted_at as Date | undefined)?.toISOString() ?? null}::timestamptz, accepted_at),
        shipped_at = coalesce(${(set.shipped_at as Date | undefined)?.toISOString() ?? null}::timestamptz, shipped_at),
        completed_at = coalesce(${(set.completed_at as Date | undefined)?.toISOString() ?? null}::timestamptz, completed_at),
        released_at = coalesce(${(set.released_at as Date | undefined)?.toISOString() ?? null}::timestamptz, released_at),
        carrier = coalesce(${(set.carrier as string | undefined) ?? null}, carrier),
        tracking_number = coalesce(${(set.tracking_number as string | undefined) ?? null}, tracking_number),
        reason = coalesce(${(set.reason as string | undefined) ?? null}, reason)
      WHERE id = ${id} AND status = ANY(${allowed as string[]}::text[])
      RETURNING id, status, kind, node_id, to_char(capacity_day, 'YYYY-MM-DD') AS capacity_day`.execute(trx);
    const fo = updated.rows[0];
    if (!fo) {
      const current = await trx
        .selectFrom('fulfilment_orders')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      throw illegal(action, current.status, allowed);
    }
    const ref = { id, order_id: head.order_id, node_id: head.node_id, capacity_day: fo.capacity_day };
    const consume = action === 'ship' || (action === 'hand-over' && head.kind === 'pickup');
    if (consume) await consumeUnits(trx, id, ectx);
    if (action === 'reject') {
      const body = req.body as RejectRequest;
      const missing = await unwindFo(
        trx,
        ref,
        { cancelUnits: false, exclude: true, reason: `rejected: ${body.reason}` },
        ectx,
      );
      if (body.reason === 'out-of-stock' || body.reason === 'damaged')
        await correctNodeStock(
          trx,
          head.node_id,
          missing,
          `rejected ${body.reason} (fulfilment order ${id})`,
          ectx,
        );
      if (body.reason === 'no-capacity') await fillNodeDay(trx, head.node_id, fo.capacity_day, now);
      reroute = true;
    }
    if (action === 'withdraw') {
      await unwindFo(trx, ref, { cancelUnits: false, exclude: true, reason: reason ?? 'withdrawn' }, ectx);
      reroute = true;
    }
    if (action === 'cancel')
      await unwindFo(trx, ref, { cancelUnits: true, exclude: false, reason: reason ?? 'cancelled' }, ectx);
    await appendOrderEvents(
      trx,
      head.order_id,
      [
        {
          type: `fulfilment-order.${to}`,
          payload: {
            fulfilmentOrderId: id,
            orderId: head.order_id,
            nodeId: head.node_id,
            from: head.status,
            to,
            ...(reason ? { reason } : {}),
            ...(action === 'ship' ? { carrier: set.carrier, trackingNumber: set.tracking_number } : {}),
          },
        },
      ],
      ectx,
    );
    return (await settleOrder(trx, head.order_id, ectx, { fulfilmentOrderId: id, action })).to;
  });
  const trigger =
    action === 'reject' ? 'reject' : reason === 'sla-expired' ? 'sla-expired' : 'node-unavailable';
  const rerouted = reroute ? await reallocateOrder(deps, head.order_id, trigger, ectx) : null;
  return {
    fulfilmentOrder: await getFoView(deps.db, id),
    orderStatus: rerouted?.status ?? orderStatus,
    rerouted: rerouted
      ? {
          allocatedUnits: rerouted.allocatedUnits,
          pendingUnits: rerouted.pendingUnits,
          fulfilmentOrders: rerouted.fulfilmentOrders,
        }
      : null,
  };
}

/** Ships (or hands over) what the fulfilment order holds: reservations consumed, line counters moved. */
async function consumeUnits(trx: Db, foId: string, ctx: EventContext): Promise<void> {
  const lines = await trx
    .selectFrom('fulfilment_order_lines')
    .select(['order_line_id', 'sku', 'quantity', 'short', 'reservation_id'])
    .where('fulfilment_order_id', '=', foId)
    .orderBy('sku')
    .execute();
  for (const l of lines) {
    if (l.reservation_id && l.quantity - l.short > 0) {
      await consumeReservation(trx, l.reservation_id, { reference: `fulfilment-order:${foId}` }, ctx);
    }
  }
  const units = lines.filter((l) => l.quantity - l.short > 0);
  if (units.length) {
    await sql`
      UPDATE order_lines ol SET allocated = ol.allocated - x.q, shipped = ol.shipped + x.q
      FROM (SELECT id, sum(q)::int AS q FROM unnest(${units.map((u) => u.order_line_id)}::uuid[],
        ${units.map((u) => u.quantity - u.short)}::int[]) AS u(id, q) GROUP BY id) x
      WHERE ol.id = x.id`.execute(trx);
  }
}

/** A node out of capacity for the day: its counter is set to its limit so routing skips it until tomorrow. */
async function fillNodeDay(trx: Db, nodeId: string, day: string | null, now: Date): Promise<void> {
  await sql`
    INSERT INTO node_capacity_usage (node_id, day, packages)
    SELECT id, coalesce(${day}::date, ${now.toISOString()}::timestamptz::date), coalesce(daily_capacity, 0)
    FROM nodes WHERE id = ${nodeId} AND daily_capacity IS NOT NULL
    ON CONFLICT (node_id, day) DO UPDATE SET packages = greatest(node_capacity_usage.packages, excluded.packages)`.execute(
    trx,
  );
}

/**
 * A node could not find some units while picking: those units leave the fulfilment order (their
 * reservation is released, the node's on hand corrected) and are routed again elsewhere; if none
 * are left the fulfilment order is rejected.
 */
export async function shortPick(
  deps: OrderDeps,
  id: string,
  body: ShortPickRequest,
  principal: Principal | null,
  ctx: EventContext,
): Promise<ActionOutcome> {
  const head = await foHead(deps.db, id);
  if (principal) assertNodeAccess(principal, head.node_id);
  const allowed: FoStatus[] = ['accepted', 'picking'];
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? head.order_id };
  const status = await deps.db.transaction().execute(async (trx) => {
    await lockOrder(trx, head.order_id);
    const fo = await trx
      .selectFrom('fulfilment_orders')
      .select(['status', 'capacity_day'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (!allowed.includes(fo.status as FoStatus)) throw illegal('short-pick', fo.status, allowed);
    const lines = await trx
      .selectFrom('fulfilment_order_lines')
      .selectAll()
      .where('fulfilment_order_id', '=', id)
      .orderBy('sku')
      .execute();
    const missing: { sku: string; units: number }[] = [];
    for (const [i, want] of body.lines.entries()) {
      let left = want.short;
      const ofSku = lines.filter((l) => l.sku === want.sku);
      const room = ofSku.reduce((s, l) => s + l.quantity - l.short, 0);
      if (ofSku.length === 0 || want.short > room) {
        throw new AppError('invalid-request', `Fulfilment order ${id} holds ${room} units of ${want.sku}`, {
          errors: [{ pointer: `/lines/${i}/short`, detail: `at most ${room}`, in: 'body' }],
        });
      }
      for (const l of ofSku) {
        const take = Math.min(left, l.quantity - l.short);
        if (take <= 0) continue;
        left -= take;
        l.short += take;
        await trx
          .updateTable('fulfilment_order_lines')
          .set({ short: l.short })
          .where('id', '=', l.id)
          .execute();
        if (l.reservation_id) {
          await releaseReservation(trx, l.reservation_id, { quantity: take, reason: 'short-pick' }, ectx);
        }
        await trx
          .updateTable('order_lines')
          .set((eb) => ({ allocated: eb('allocated', '-', take) }))
          .where('id', '=', l.order_line_id)
          .execute();
      }
      missing.push({ sku: want.sku, units: want.short });
    }
    await correctNodeStock(trx, head.node_id, missing, `short-pick (fulfilment order ${id})`, ectx);
    await sql`UPDATE orders SET excluded_nodes = array_append(excluded_nodes, ${head.node_id})
      WHERE id = ${head.order_id} AND NOT (${head.node_id} = ANY(excluded_nodes))`.execute(trx);
    const allShort = lines.every((l) => l.short >= l.quantity);
    const events = [
      {
        type: 'fulfilment-order.short-picked',
        payload: { fulfilmentOrderId: id, orderId: head.order_id, lines: body.lines },
      },
    ];
    if (allShort) {
      await sql`UPDATE fulfilment_orders SET status = 'rejected', reason = 'short-picked', version = version + 1, updated_at = now() WHERE id = ${id}`.execute(
        trx,
      );
      if (fo.capacity_day) {
        await freeCapacity(trx, [
          { nodeId: head.node_id, day: String(fo.capacity_day).slice(0, 10), packages: 1 },
        ]);
      }
      events.push({
        type: 'fulfilment-order.rejected',
        payload: { fulfilmentOrderId: id, orderId: head.order_id, lines: body.lines },
      });
    } else {
      await sql`UPDATE fulfilment_orders SET version = version + 1, updated_at = now() WHERE id = ${id}`.execute(
        trx,
      );
    }
    await appendOrderEvents(trx, head.order_id, events, ectx);
    return (await settleOrder(trx, head.order_id, ectx, { fulfilmentOrderId: id, action: 'short-pick' })).to;
  });
  const rerouted = await reallocateOrder(deps, head.order_id, 'short-pick', ectx);
  return {
    fulfilmentOrder: await getFoView(deps.db, id),
    orderStatus: rerouted?.status ?? status,
    rerouted: rerouted
      ? {
          allocatedUnits: rerouted.allocatedUnits,
          pendingUnits: rerouted.pendingUnits,
          fulfilmentOrders: rerouted.fulfilmentOrders,
        }
      : null,
  };
}

/** Releases an order's fulfilment orders held back (holds lifted): each gets its acceptance deadline. */
export async function releaseHeld(
  trx: Db,
  orderId: string,
  ctx: EventContext,
  now = new Date(),
): Promise<string[]> {
  const rows = await sql<{ id: string; node_id: string; kind: string; node_kind: string }>`
    UPDATE fulfilment_orders f SET status = 'released', released_at = ${now.toISOString()}::timestamptz,
      accept_by = ${now.toISOString()}::timestamptz + make_interval(mins => (CASE n.kind
        ${sql.join(
          Object.entries(ACCEPT_SLA_MINUTES).map(([k, m]) => sql`WHEN ${k} THEN ${m}::int`),
          sql` `,
        )} ELSE 240 END)),
      version = f.version + 1, updated_at = now()
    FROM nodes n
    WHERE f.order_id = ${orderId} AND f.status = 'created' AND n.id = f.node_id
    RETURNING f.id, f.node_id, f.kind, n.kind AS node_kind`.execute(trx);
  await appendOrderEvents(
    trx,
    orderId,
    rows.rows.map((r) => ({
      type: 'fulfilment-order.released',
      payload: { fulfilmentOrderId: r.id, orderId, nodeId: r.node_id, from: 'created', to: 'released' },
    })),
    ctx,
  );
  return rows.rows.map((r) => r.id);
}
