import { randomUUID } from 'node:crypto';
import {
  type AllocatableOrder,
  type Allocation,
  planAllocation,
  reservePlan,
  withAllocationRetry,
} from '../fulfilment/allocation.ts';
import type { RoutingContext } from '../fulfilment/routing-context.ts';
import { resolveDestination } from '../network/destination-resolver.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { type CaptureRows, captureInOneStatement, fitsOneStatement } from './capture-statement.ts';
import { writeCapture } from './capture-write.ts';
import type { EventContext } from './order-events.ts';
import type { OrderInput } from './order-input-schema.ts';
import { findOrderId, getOrderView } from './order-read.ts';
import type { OrderView } from './order-schema.ts';
import { deriveOrderStatus, emptyCounts, orderEventType, SERVICE_LEVEL_PRIORITY } from './order-states.ts';
import {
  type FoLineRow,
  type FoRow,
  lineStatus,
  type OrderLineRow,
  type OrderRow,
  toOrderView,
} from './order-view.ts';

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

/** The capture statement found the channel order id taken: roll back and answer with that order. */
class AlreadyCaptured extends Error {}

function orderSummary(
  input: OrderInput,
  id: string,
  fulfilment: string,
  serviceLevel: string,
  holds: string[],
  lines: CaptureLine[],
) {
  return {
    orderId: id,
    channel: input.channel,
    externalId: input.externalId,
    fulfilment,
    serviceLevel,
    holds,
    lines: lines.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity })),
  };
}

interface CaptureLine {
  id: string;
  lineNo: number;
  sku: string;
  quantity: number;
  price: number;
  externalLineId: string | null;
}

/** The order and line rows a capture writes (and answers with). */
function captureRows(
  input: OrderInput,
  id: string,
  destination: Record<string, unknown>,
  lines: CaptureLine[],
  allocation: Allocation,
  status: string,
  now: Date,
  placedAt: Date,
): { order: OrderRow; lines: OrderLineRow[] } {
  const serviceLevel = input.serviceLevel ?? 'standard';
  const waiting = allocation.pendingAfter > 0;
  return {
    order: {
      id,
      channel: input.channel,
      external_id: input.externalId,
      status,
      status_reason: allocation.reason,
      customer: input.customer,
      destination,
      dest_lat: destination.lat as number,
      dest_lon: destination.lon as number,
      fulfilment: input.fulfilment ?? 'ship',
      pickup_node: input.pickupNode ?? null,
      service_level: serviceLevel,
      priority: SERVICE_LEVEL_PRIORITY[serviceLevel] ?? 2,
      currency: input.currency ?? 'USD',
      placed_at: placedAt,
      holds: [...(input.holds ?? [])],
      excluded_nodes: [],
      notes: input.notes ?? null,
      needs_allocation: waiting,
      waiting_since: waiting ? now : null,
      attempted: true,
      version: 1,
      created_at: now,
      updated_at: now,
    },
    lines: lines.map((l) => {
      const allocated = allocation.allocated.get(l.id) ?? 0;
      const c = emptyCounts();
      c.ordered = l.quantity;
      c.pending = l.quantity - allocated;
      if (input.holds?.length) c.created = allocated;
      else c.released = allocated;
      return {
        id: l.id,
        order_id: id,
        line_no: l.lineNo,
        sku: l.sku,
        quantity: l.quantity,
        price: l.price,
        external_line_id: l.externalLineId,
        cancelled: 0,
        allocated,
        shipped: 0,
        status: lineStatus(c),
      };
    }),
  };
}

/**
 * Captures an order: routes it (in memory, before any write), then in the common case writes it
 * in ONE autocommit statement (see capture-statement.ts): capacity, reservations, the order, its
 * lines, fulfilment orders, decision and events, all or nothing. A plan with nothing to reserve,
 * or one whose retries ran out, goes through a transaction instead (reserve, then one write).
 * Routing never fails the capture: what cannot be served is stored as waiting (backordered, with
 * its reason), so an accepted order is never lost. A repeat of a captured channel order id returns
 * the stored order (`created: false`): the write finds the key taken (a concurrent repeat waits
 * on the unique key for the first one's commit) and the repeat's writes are undone, reservations
 * with them.
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
  const lines: CaptureLine[] = input.lines.map((l, i) => ({
    id: randomUUID(),
    lineNo: i + 1,
    sku: l.sku,
    quantity: l.quantity,
    price: l.price,
    externalLineId: l.externalLineId ?? null,
  }));
  const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? id };
  const allocatable: AllocatableOrder = {
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
  };
  const ordered = lines.reduce((s, l) => s + l.quantity, 0);

  const rowsFor = (allocation: Allocation): CaptureRows => {
    const counts = emptyCounts();
    counts.ordered = ordered;
    counts.pending = allocation.pendingAfter;
    if (holds.length > 0) counts.created = ordered - counts.pending;
    else counts.released = ordered - counts.pending;
    const status = deriveOrderStatus(counts, true);
    const rows = captureRows(input, id, destination, lines, allocation, status, now, placedAt);
    const events = [
      { type: 'order.created', payload: orderSummary(input, id, fulfilment, serviceLevel, holds, lines) },
      ...allocation.events,
      ...rows.lines.map((l) => ({
        type: `order-line.${l.status}`,
        payload: { orderId: id, lineId: l.id, lineNo: l.line_no, sku: l.sku, from: 'created', to: l.status },
      })),
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
    ];
    return { ...rows, events };
  };

  // Routing runs before any write (no connection or lock held while the engine works). The common
  // case is then ONE autocommit statement; the rest (nothing to reserve, retries run out) is a
  // transaction: reserve, and everything else in one write.
  const outcome = await withAllocationRetry(async (hint) => {
    const plan = await planAllocation(deps.db, deps.routing, allocatable, 'capture', now, hint);
    if (fitsOneStatement(plan)) {
      const one = await captureInOneStatement(deps.db, deps.routing, plan, rowsFor, ectx, now);
      if (one !== 'fallback') return one;
    }
    return deps.db
      .transaction()
      .execute(async (trx) => {
        const allocation = await reservePlan(trx, deps.routing, plan, ectx);
        const rows = rowsFor(allocation);
        // Captured before (or concurrently, and that one committed first): undo the reservations.
        if (!(await writeCapture(trx, rows.order, rows.lines, allocation, rows.events, ectx)))
          throw new AlreadyCaptured();
        return { allocation, rows };
      })
      .catch((err: unknown) => {
        if (err instanceof AlreadyCaptured) return null;
        throw err;
      });
  });

  if (outcome === null) {
    const existing = await findOrderId(deps.db, input.channel, input.externalId);
    if (!existing) throw new Error(`order ${input.channel}/${input.externalId} vanished after a conflict`);
    return { created: false, order: await getOrderView(deps.db, existing) };
  }

  // The response is built from what was just written: no read-back round trips.
  const { allocation, rows } = outcome;
  const orderRow = rows.order;
  const lineRows = rows.lines;
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
