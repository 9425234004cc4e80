import { randomUUID } from 'node:crypto';
import { reserve } from '../inventory/reservation-service.ts';
import type { EventContext, OrderEvent } from '../orders/order-events.ts';
import type { Db } from '../platform/db/database.ts';
import type { PlannedShipment, RoutingDecision } from '../routing/index.ts';
import { type CapacityClaim, freeCapacity, takeCapacity } from './capacity.ts';
import type { FoKind, FoStatus } from './fulfilment-order-states.ts';
import { localDay } from './node-clock.ts';
import { plusDays } from './options-dates.ts';
import type { RoutingContext } from './routing-context.ts';

/** Why routing runs: recorded with each decision. */
export type AllocationTrigger =
  | 'capture'
  | 'reject'
  | 'sla-expired'
  | 'node-unavailable'
  | 'backorder'
  | 'change'
  | 'short-pick'
  | 'sweep';

/** How long a node has to accept released work, by node kind (minutes). */
export const ACCEPT_SLA_MINUTES: Readonly<Record<string, number>> = {
  store: 120,
  warehouse: 240,
  '3pl': 240,
  dropship: 1440,
};

/** Bounded retries when the index was stale (stock or capacity moved since the decision). */
export const MAX_ROUTING_ATTEMPTS = 3;

/**
 * Stock or capacity moved between the decision and the reservation. Thrown (not retried in place)
 * so that the caller's whole transaction rolls back: its row locks go with it, and the next try
 * takes one sorted lock set again. A transaction never holds two lock sets, so none can deadlock.
 */
export class StockMoved extends Error {
  constructor(readonly hint: RetryHint) {
    super('stock moved since the routing decision');
  }
}

export interface RetryHint {
  /** Routing attempts made so far. */
  attempt: number;
  /** ATP read from the positions during the failed try. */
  freshAtp?: Map<string, number>;
}

/** Runs a transaction that allocates, again (bounded by MAX_ROUTING_ATTEMPTS) when stock moved. */
export async function withAllocationRetry<T>(run: (hint: RetryHint) => Promise<T>): Promise<T> {
  let hint: RetryHint = { attempt: 0 };
  for (;;) {
    try {
      return await run(hint);
    } catch (err) {
      if (!(err instanceof StockMoved)) throw err;
      hint = err.hint;
    }
  }
}

export interface AllocatableLine {
  id: string;
  sku: string;
  /** Units not in any live fulfilment order, not shipped, not cancelled. */
  pending: number;
}

export interface AllocatableOrder {
  id: string;
  channel: string;
  destLat: number;
  destLon: number;
  fulfilment: 'ship' | 'pickup' | 'ship-to-store';
  pickupNode: string | null;
  serviceLevel: string;
  placedAt: Date;
  holds: readonly string[];
  excludedNodes: readonly string[];
  lines: AllocatableLine[];
  /** Next fulfilment order number within the order. */
  nextSeq: number;
}

export interface FoDraft {
  id: string;
  seq: number;
  nodeId: string;
  kind: FoKind;
  status: FoStatus;
  acceptBy: Date | null;
  releasedAt: Date | null;
  promisedDate: string;
  days: number;
  miles: number;
  cost: PlannedShipment['cost'];
  capacityDay: string | null;
  lines: { id: string; orderLineId: string; sku: string; quantity: number; reservationId: string | null }[];
}

export interface Allocation {
  decision: RoutingDecision | null;
  unknownSkus: string[];
  fulfilmentOrders: FoDraft[];
  /** Units allocated per order line id. */
  allocated: Map<string, number>;
  /** Units still waiting after this allocation. */
  pendingAfter: number;
  reason: string | null;
  events: OrderEvent[];
  attempts: number;
}

/** Splits a plan's shipments over the order lines (a sku may be on several lines), first line first. */
function draftsFor(
  order: AllocatableOrder,
  shipments: PlannedShipment[],
  now: Date,
  kindOf: (s: PlannedShipment) => FoKind,
  tz: (nodeId: string) => { timezone: string; limited: boolean; kind: string },
): FoDraft[] {
  const left = new Map(order.lines.map((l) => [l.id, l.pending]));
  const released = order.holds.length === 0;
  let seq = order.nextSeq;
  return shipments.map((sh) => {
    const lines: FoDraft['lines'] = [];
    for (const sl of sh.lines) {
      let need = sl.quantity;
      for (const ol of order.lines) {
        if (need === 0) break;
        if (ol.sku !== sl.sku) continue;
        const take = Math.min(need, left.get(ol.id) ?? 0);
        if (take <= 0) continue;
        left.set(ol.id, (left.get(ol.id) ?? 0) - take);
        need -= take;
        lines.push({
          id: randomUUID(),
          orderLineId: ol.id,
          sku: sl.sku,
          quantity: take,
          reservationId: null,
        });
      }
    }
    const node = tz(sh.node);
    const slaMinutes = ACCEPT_SLA_MINUTES[node.kind] ?? 240;
    // Dates are the shipping node's local dates (as fulfilment options promise them).
    const today = localDay(node.timezone, now);
    return {
      id: randomUUID(),
      seq: seq++,
      nodeId: sh.node,
      kind: kindOf(sh),
      status: released ? 'released' : 'created',
      acceptBy: released ? new Date(now.getTime() + slaMinutes * 60_000) : null,
      releasedAt: released ? now : null,
      promisedDate: plusDays(today, sh.days),
      days: sh.days,
      miles: sh.miles,
      cost: sh.cost,
      capacityDay: node.limited ? today : null,
      lines,
    };
  });
}

function reasonFor(decision: RoutingDecision | null, unknownSkus: string[], pending: number): string | null {
  if (pending === 0) return null;
  const parts: string[] = [];
  if (unknownSkus.length) parts.push(`unknown sku ${unknownSkus.join(', ')}`);
  if (decision?.outcome === 'invalid-order')
    parts.push(decision.issues?.map((i) => i.message).join('; ') ?? 'invalid');
  else if (decision) {
    const reasons = new Set((decision.explanation?.eliminated ?? []).map((e) => e.reason));
    const why = [...reasons].filter((r) => r !== 'not-the-pickup-node').join(', ');
    parts.push(`waiting for stock: ${pending} units unserved${why ? ` (nodes left out: ${why})` : ''}`);
  }
  return parts.join('; ') || `waiting for stock: ${pending} units unserved`;
}

/** A routing decision turned into fulfilment order drafts, before anything is reserved. */
export interface AllocationPlan {
  order: AllocatableOrder;
  trigger: AllocationTrigger;
  decision: RoutingDecision | null;
  unknownSkus: string[];
  drafts: FoDraft[];
  claims: CapacityClaim[];
  totalPending: number;
  attempts: number;
  freshAtp?: Map<string, number>;
}

/**
 * Routes an order's pending units (no locks, no writes): the decision and its fulfilment order
 * drafts. Run it BEFORE the transaction that reserves, so no connection or row lock is held
 * while the engine works. Units left unserved may only mean the availability index has not seen
 * a receipt yet: the positions themselves are read once (through `db`) before anything waits.
 */
export async function planAllocation(
  db: Db,
  routing: RoutingContext,
  order: AllocatableOrder,
  trigger: AllocationTrigger,
  now = new Date(),
  hint: RetryHint = { attempt: 0 },
): Promise<AllocationPlan> {
  const pendingLines = order.lines.filter((l) => l.pending > 0);
  const totalPending = pendingLines.reduce((s, l) => s + l.pending, 0);
  const plan: AllocationPlan = {
    order,
    trigger,
    decision: null,
    unknownSkus: [],
    drafts: [],
    claims: [],
    totalPending,
    attempts: hint.attempt,
    ...(hint.freshAtp ? { freshAtp: hint.freshAtp } : {}),
  };
  if (totalPending === 0 || hint.attempt >= MAX_ROUTING_ATTEMPTS) return plan;
  const live = await routing.network(db);
  const request = {
    id: order.id,
    channel: order.channel,
    destination: { lat: order.destLat, lon: order.destLon },
    lines: pendingLines.map((l) => ({ sku: l.sku, quantity: l.pending })),
    fulfilment: order.fulfilment,
    pickupNode: order.pickupNode,
    serviceLevel: order.serviceLevel,
    placedAt: order.placedAt,
  };
  const shipComplete = routing.policy().shipComplete === true;
  for (;;) {
    plan.attempts++;
    const routed = await routing.route(request, {
      excludeNodes: order.excludedNodes,
      now,
      db,
      ...(plan.freshAtp ? { freshAtp: plan.freshAtp } : {}),
    });
    plan.decision = routed.decision;
    plan.unknownSkus = routed.unknownSkus;
    if (
      routed.decision.plan.unfilled.length > 0 &&
      plan.freshAtp === undefined &&
      plan.attempts < MAX_ROUTING_ATTEMPTS
    ) {
      plan.freshAtp = await routing.readAtp([...new Set(pendingLines.map((l) => l.sku))], db);
      continue;
    }
    let shipments = routed.decision.plan.shipments;
    // Ship-complete: a partial plan is not shipped at all; the order waits for the rest.
    if (shipComplete && (routed.decision.outcome === 'partial' || plan.unknownSkus.length > 0))
      shipments = [];
    const kindOf = (s: PlannedShipment): FoKind =>
      s.pickup || (order.fulfilment === 'ship-to-store' && s.node === routed.pickupNode)
        ? 'pickup'
        : order.fulfilment === 'ship-to-store'
          ? 'ship-to-store'
          : 'shipment';
    const nodeOf = (id: string) => {
      const info = live.nodeInfo.get(id);
      return {
        timezone: info?.timezone ?? 'UTC',
        limited: info?.dailyCapacity != null,
        kind: info?.kind ?? 'warehouse',
      };
    };
    plan.drafts = draftsFor(order, shipments, now, kindOf, nodeOf);
    plan.claims = plan.drafts
      .filter((d) => d.capacityDay !== null)
      .map((d) => ({
        nodeId: d.nodeId,
        day: d.capacityDay!,
        packages: 1,
        limit: live.nodeInfo.get(d.nodeId)?.dailyCapacity ?? 0,
      }));
    return plan;
  }
}

/**
 * Throws `StockMoved` so the caller's transaction rolls back and the order is planned again; with
 * `withAtp` the positions themselves are read (through `db`) for the next decision.
 */
export async function planAgain(
  db: Db,
  routing: RoutingContext,
  plan: AllocationPlan,
  withAtp: boolean,
): Promise<never> {
  const skus = [...new Set(plan.order.lines.filter((l) => l.pending > 0).map((l) => l.sku))];
  const freshAtp = withAtp ? await routing.readAtp(skus, db) : plan.freshAtp;
  throw new StockMoved({ attempt: plan.attempts, ...(freshAtp ? { freshAtp } : {}) });
}

/**
 * Reserves a plan in the caller's transaction: capacity first (rows locked in (node, day) order),
 * then the units through the inventory service (positions locked in (node, sku) order, all or
 * nothing), so every transaction locks capacity before positions and none can deadlock. When
 * stock or capacity moved since the decision, throws `StockMoved` with the positions read from
 * the database: the caller's transaction rolls back and the order is planned again, at most
 * MAX_ROUTING_ATTEMPTS times; then what cannot be served waits (backorder). Writes only
 * reservations and capacity: the caller persists the drafts (see allocation-writes.ts).
 */
export async function reservePlan(
  trx: Db,
  routing: RoutingContext,
  plan: AllocationPlan,
  ctx: EventContext,
): Promise<Allocation> {
  const { order, trigger, claims } = plan;
  let drafts = plan.drafts;
  const retry = (withAtp: boolean) => planAgain(trx, routing, plan, withAtp);
  if (drafts.length > 0) {
    if (!(await takeCapacity(trx, claims))) {
      await routing.refreshCapacity(trx);
      if (plan.attempts < MAX_ROUTING_ATTEMPTS) await retry(false);
      drafts = [];
    } else {
      const reserveLines = drafts.flatMap((d) =>
        d.lines.map((l) => ({ nodeId: d.nodeId, sku: l.sku, quantity: l.quantity, lineId: l.id })),
      );
      const result = await reserve(
        trx,
        { lines: reserveLines, owner: { type: 'order', id: order.id }, reason: `order ${trigger}` },
        { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? order.id },
      );
      if (result.ok) {
        const byLine = new Map(result.reservations.map((r) => [r.lineId, r.id]));
        for (const d of drafts) for (const l of d.lines) l.reservationId = byLine.get(l.id) ?? null;
        for (const c of claims) routing.noteCapacity(c.nodeId, c.day, 1);
      } else {
        // The index was behind: read the positions themselves and decide again in a new transaction.
        if (plan.attempts < MAX_ROUTING_ATTEMPTS) await retry(true);
        // Out of attempts: give the capacity back; what is left waits (no further locks are taken).
        await freeCapacity(trx, claims);
        drafts = [];
      }
    }
  }
  return allocationOf(plan, drafts);
}

/** The allocation a plan's reserved drafts make (none reserved: `drafts` is empty, all units wait). */
export function allocationOf(plan: AllocationPlan, drafts: FoDraft[]): Allocation {
  const { order, trigger } = plan;
  const allocated = new Map<string, number>();
  for (const d of drafts)
    for (const l of d.lines) allocated.set(l.orderLineId, (allocated.get(l.orderLineId) ?? 0) + l.quantity);
  const served = [...allocated.values()].reduce((s, q) => s + q, 0);
  const pendingAfter = plan.totalPending - served;
  const events: OrderEvent[] = drafts.map((d) => ({
    type: `fulfilment-order.${d.status}`,
    payload: {
      fulfilmentOrderId: d.id,
      orderId: order.id,
      seq: d.seq,
      nodeId: d.nodeId,
      kind: d.kind,
      acceptBy: d.acceptBy?.toISOString() ?? null,
      promisedDate: d.promisedDate,
      lines: d.lines.map((l) => ({ orderLineId: l.orderLineId, sku: l.sku, quantity: l.quantity })),
      trigger,
    },
  }));
  return {
    decision: plan.decision,
    unknownSkus: plan.unknownSkus,
    fulfilmentOrders: drafts,
    allocated,
    pendingAfter,
    reason: reasonFor(plan.decision, plan.unknownSkus, pendingAfter),
    events,
    attempts: plan.attempts,
  };
}

/** Plan and reserve in the caller's transaction (re-routing, which already holds the order lock). */
export async function routeAndReserve(
  trx: Db,
  routing: RoutingContext,
  order: AllocatableOrder,
  trigger: AllocationTrigger,
  ctx: EventContext,
  now = new Date(),
  hint: RetryHint = { attempt: 0 },
): Promise<Allocation> {
  const plan = await planAllocation(trx, routing, order, trigger, now, hint);
  return reservePlan(trx, routing, plan, ctx);
}
