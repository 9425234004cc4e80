import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { routeAndReserve, withAllocationRetry } from '../fulfilment/allocation.ts';
import { writeAllocation } from '../fulfilment/allocation-writes.ts';
import type { RoutingContext } from '../fulfilment/routing-context.ts';
import { resolveDestination } from '../network/destination-resolver.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { EventContext } from './order-events.ts';
import type { OrderInput } from './order-input-schema.ts';
import { getOrderView } from './order-read.ts';
import type { OrderView } from './order-schema.ts';
import { deriveOrderStatus, emptyCounts, orderEventType, SERVICE_LEVEL_PRIORITY } from './order-states.ts';
import { type FoLineRow, type FoRow, type OrderLineRow, type OrderRow, toOrderView } from './order-view.ts';

export interface OrderDeps {
  db: Db;
  routing: RoutingContext;
}

export interface CaptureResult {
  created: boolean;
  order: OrderView;
}

async function assertPickupNode(deps: OrderDeps, input: OrderInput): Promise<void> {
  const fulfilment = input.fulfilment ?? 'ship';
  if (fulfilment === 'ship') {
    if (input.pickupNode !== undefined) {
      throw new AppError('invalid-order', 'pickupNode is only for pickup and ship-to-store orders', {
        errors: [{ pointer: '/pickupNode', detail: 'not allowed for fulfilment "ship"', in: 'body' }],
      });
    }
    return;
  }
  if (input.pickupNode === undefined) {
    throw new AppError('invalid-order', `A ${fulfilment} order needs pickupNode`, {
      errors: [{ pointer: '/pickupNode', detail: `required for fulfilment "${fulfilment}"`, in: 'body' }],
    });
  }
  let caps = (await deps.routing.nodeInfo(input.pickupNode))?.capabilities;
  if (!caps) {
    const row = await deps.db
      .selectFrom('nodes')
      .select('capabilities')
      .where('id', '=', input.pickupNode)
      .executeTakeFirst();
    if (row) deps.routing.invalidate();
    caps = row?.capabilities;
  }
  if (!caps) {
    throw new AppError('invalid-order', `Node ${input.pickupNode} does not exist`, {
      errors: [{ pointer: '/pickupNode', detail: 'no such node', in: 'body' }],
    });
  }
  const needed = fulfilment === 'pickup' ? ['pickup'] : ['pickup', 'ship-to-store'];
  if (!needed.some((c) => caps.includes(c))) {
    throw new AppError('invalid-order', `Node ${input.pickupNode} does not offer ${fulfilment}`, {
      errors: [
        { pointer: '/pickupNode', detail: `node lacks the ${needed.join(' or ')} capability`, in: 'body' },
      ],
    });
  }
}

/**
 * Captures an order and routes it in ONE transaction: insert (idempotent on channel + external
 * id), route and reserve, fulfilment orders, decision and events, one commit. Routing never fails
 * the capture: what cannot be served is stored as waiting (backordered, with its reason), so an
 * accepted order is never lost. A repeat of a captured channel order id returns the stored order
 * (`created: false`); concurrent repeats wait on the unique key and get the same order.
 */
export async function captureOrder(
  deps: OrderDeps,
  input: OrderInput,
  ctx: EventContext,
): Promise<CaptureResult> {
  const resolved = resolveDestination(input.destination);
  if (!resolved.ok) {
    throw new AppError('destination-unresolvable', resolved.message, {
      errors: [{ pointer: `/destination${resolved.pointer}`, detail: resolved.message, in: 'body' }],
    });
  }
  await assertPickupNode(deps, input);

  const now = new Date();
  const id = randomUUID();
  const fulfilment = input.fulfilment ?? 'ship';
  const serviceLevel = input.serviceLevel ?? 'standard';
  const placedAt = input.placedAt ? new Date(input.placedAt) : now;
  const holds = [...(input.holds ?? [])];
  const destination = {
    ...input.destination,
    lat: resolved.lat,
    lon: resolved.lon,
    source: resolved.source,
    label: resolved.label,
  };
  const lines = input.lines.map((l, i) => ({
    id: randomUUID(),
    lineNo: i + 1,
    sku: l.sku,
    quantity: l.quantity,
    price: l.price,
    externalLineId: l.externalLineId ?? null,
  }));
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };

  const outcome = await withAllocationRetry((hint) =>
    deps.db.transaction().execute(async (trx) => {
      // Waits for a concurrent capture of the same channel order id; only one inserts.
      const inserted = await sql<{ id: string }>`
      WITH o AS (
        INSERT INTO orders (id, channel, external_id, status, customer, destination, dest_lat, dest_lon, fulfilment,
          pickup_node, service_level, priority, currency, placed_at, holds, notes, created_at, updated_at)
        VALUES (${id}, ${input.channel}, ${input.externalId}, 'created', ${JSON.stringify(input.customer)}::jsonb,
          ${JSON.stringify(destination)}::jsonb, ${resolved.lat}, ${resolved.lon}, ${fulfilment}, ${input.pickupNode ?? null},
          ${serviceLevel}, ${SERVICE_LEVEL_PRIORITY[serviceLevel] ?? 2}, ${input.currency ?? 'USD'}, ${placedAt.toISOString()}::timestamptz,
          ${holds}::text[], ${input.notes ?? null}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
        ON CONFLICT (channel, external_id) DO NOTHING
        RETURNING id
      ),
      l AS (
        INSERT INTO order_lines (id, order_id, line_no, sku, quantity, price, external_line_id)
        SELECT x.id, o.id, x.line_no, x.sku, x.quantity, x.price, x.external_line_id
        FROM o, unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.lineNo)}::int[], ${lines.map((l) => l.sku)}::text[],
          ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.price)}::numeric[],
          ${lines.map((l) => l.externalLineId)}::text[]) AS x(id, line_no, sku, quantity, price, external_line_id)
        RETURNING 1
      )
      SELECT o.id, (SELECT count(*) FROM l) AS n FROM o`.execute(trx);
      if (inserted.rows.length === 0) return null;

      const allocation = await routeAndReserve(
        trx,
        deps.routing,
        {
          id,
          channel: input.channel,
          destLat: resolved.lat,
          destLon: resolved.lon,
          fulfilment,
          pickupNode: input.pickupNode ?? null,
          serviceLevel,
          placedAt,
          holds,
          excludedNodes: [],
          lines: lines.map((l) => ({ id: l.id, sku: l.sku, pending: l.quantity })),
          nextSeq: 1,
        },
        'capture',
        ectx,
        now,
        hint,
      );
      const counts = emptyCounts();
      counts.ordered = lines.reduce((s, l) => s + l.quantity, 0);
      counts.pending = allocation.pendingAfter;
      const served = counts.ordered - counts.pending;
      if (holds.length > 0) counts.created = served;
      else counts.released = served;
      const status = deriveOrderStatus(counts, true);
      const summary = {
        orderId: id,
        channel: input.channel,
        externalId: input.externalId,
        fulfilment,
        serviceLevel,
        holds,
        lines: lines.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity })),
      };
      await writeAllocation(
        trx,
        {
          orderId: id,
          allocation,
          trigger: 'capture',
          excludedNodes: [],
          status: { from: 'created', to: status },
          eventsBefore: [{ type: 'order.created', payload: summary }],
          eventsAfter: [
            {
              type: orderEventType(status),
              payload: {
                orderId: id,
                from: 'created',
                to: status,
                reason: allocation.reason,
                outcome: allocation.decision?.outcome ?? null,
                fulfilmentOrders: allocation.fulfilmentOrders.map((f) => f.id),
              },
            },
          ],
          now,
        },
        ectx,
      );
      return { allocation, status };
    }),
  );

  if (outcome === null) {
    const id2 = await deps.db
      .selectFrom('orders')
      .select('id')
      .where('channel', '=', input.channel)
      .where('external_id', '=', input.externalId)
      .executeTakeFirstOrThrow();
    return { created: false, order: await getOrderView(deps.db, id2.id) };
  }

  // The response is built from what was just written: no read-back round trips.
  const { allocation, status } = outcome;
  const orderRow: OrderRow = {
    id,
    channel: input.channel,
    external_id: input.externalId,
    status,
    status_reason: allocation.reason,
    customer: input.customer,
    destination,
    dest_lat: resolved.lat,
    dest_lon: resolved.lon,
    fulfilment,
    pickup_node: input.pickupNode ?? null,
    service_level: serviceLevel,
    priority: SERVICE_LEVEL_PRIORITY[serviceLevel] ?? 2,
    currency: input.currency ?? 'USD',
    placed_at: placedAt,
    holds,
    excluded_nodes: [],
    notes: input.notes ?? null,
    needs_allocation: allocation.pendingAfter > 0,
    waiting_since: allocation.pendingAfter > 0 ? now : null,
    attempted: true,
    version: 2,
    created_at: now,
    updated_at: now,
  };
  const lineRows: OrderLineRow[] = lines.map((l) => ({
    id: l.id,
    order_id: id,
    line_no: l.lineNo,
    sku: l.sku,
    quantity: l.quantity,
    price: l.price,
    external_line_id: l.externalLineId,
    cancelled: 0,
    allocated: allocation.allocated.get(l.id) ?? 0,
    shipped: 0,
  }));
  const foRows: FoRow[] = allocation.fulfilmentOrders.map((f) => ({
    id: f.id,
    order_id: id,
    seq: f.seq,
    node_id: f.nodeId,
    kind: f.kind,
    status: f.status,
    accept_by: f.acceptBy,
    released_at: f.releasedAt,
    accepted_at: null,
    shipped_at: null,
    completed_at: null,
    carrier: null,
    tracking_number: null,
    promised_date: f.promisedDate,
    days: f.days,
    miles: f.miles,
    cost: f.cost,
    reason: null,
    capacity_day: f.capacityDay,
    version: 1,
    created_at: now,
    updated_at: now,
  }));
  const foLineRows: FoLineRow[] = allocation.fulfilmentOrders.flatMap((f) =>
    f.lines.map((l) => ({
      id: l.id,
      fulfilment_order_id: f.id,
      order_line_id: l.orderLineId,
      sku: l.sku,
      quantity: l.quantity,
      short: 0,
      reservation_id: l.reservationId,
    })),
  );
  const d = allocation.decision;
  const decisionRow = d
    ? {
        trigger: 'capture',
        outcome: d.outcome,
        strategy: d.strategy,
        plan: d.plan,
        cost: d.cost,
        created_at: now,
      }
    : null;
  return { created: true, order: toOrderView(orderRow, lineRows, foRows, foLineRows, decisionRow) };
}
