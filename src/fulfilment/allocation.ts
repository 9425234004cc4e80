import { randomUUID } from 'node:crypto';
import { reserve } from '../inventory/reservation-service.ts';
import type { EventContext, OrderEvent } from '../orders/order-events.ts';
import type { Db } from '../platform/db/database.ts';
import type { PlannedShipment, RoutingDecision } from '../routing/index.ts';
import { type CapacityClaim, freeCapacity, takeCapacity } from './capacity.ts';
import type { FoKind, FoStatus } from './fulfilment-order-states.ts';
import { addDays, localDay } from './node-clock.ts';
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
  pickupNode: string | null,
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
    void pickupNode;
    return {
      id: randomUUID(),
      seq: seq++,
      nodeId: sh.node,
      kind: kindOf(sh),
      status: released ? 'released' : 'created',
      acceptBy: released ? new Date(now.getTime() + slaMinutes * 60_000) : null,
      releasedAt: released ? now : null,
      promisedDate: addDays(now, sh.days),
      days: sh.days,
      miles: sh.miles,
      cost: sh.cost,
      capacityDay: node.limited ? localDay(node.timezone, now) : null,
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

/**
 * Route-and-reserve in the caller's transaction: the engine's plan becomes reservations (all or
 * nothing, positions locked in (node, sku) order by the inventory service) and fulfilment order
 * drafts; capacity is taken first (rows locked in (node, day) order), so every transaction locks
 * capacity before positions and none can deadlock. When stock or capacity moved since the index
 * was read, the affected figures are read from the database and the order is routed again, at most
 * MAX_ROUTING_ATTEMPTS times; what cannot be served waits (backorder). Writes only reservations
 * and capacity: the caller persists the drafts (see allocation-writes.ts).
 */
export async function routeAndReserve(
  trx: Db,
  routing: RoutingContext,
  order: AllocatableOrder,
  trigger: AllocationTrigger,
  ctx: EventContext,
  now = new Date(),
  hint: RetryHint = { attempt: 0 },
): Promise<Allocation> {
  const pendingLines = order.lines.filter((l) => l.pending > 0);
  const totalPending = pendingLines.reduce((s, l) => s + l.pending, 0);
  const empty: Allocation = {
    decision: null,
    unknownSkus: [],
    fulfilmentOrders: [],
    allocated: new Map(),
    pendingAfter: totalPending,
    reason: null,
    events: [],
    attempts: 0,
  };
  if (totalPending === 0) return empty;
  const live = await routing.network(trx);
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
  let freshAtp: Map<string, number> | undefined = hint.freshAtp;
  const shipComplete = routing.policy().shipComplete === true;
  let attempts = hint.attempt;
  let decision: RoutingDecision | null = null;
  let unknownSkus: string[] = [];
  let drafts: FoDraft[] = [];
  while (attempts < MAX_ROUTING_ATTEMPTS) {
    attempts++;
    const routed = await routing.route(request, {
      excludeNodes: order.excludedNodes,
      now,
      db: trx,
      ...(freshAtp ? { freshAtp } : {}),
    });
    decision = routed.decision;
    unknownSkus = routed.unknownSkus;
    // Units left unserved may only mean the index has not seen a receipt yet: read the positions
    // themselves once before letting anything wait.
    if (decision.plan.unfilled.length > 0 && freshAtp === undefined && attempts < MAX_ROUTING_ATTEMPTS) {
      freshAtp = await routing.readAtp([...new Set(pendingLines.map((l) => l.sku))], trx);
      continue;
    }
    let shipments = decision.plan.shipments;
    // Ship-complete: a partial plan is not shipped at all; the order waits for the rest.
    if (shipComplete && (decision.outcome === 'partial' || unknownSkus.length > 0)) shipments = [];
    if (shipments.length === 0) {
      drafts = [];
      break;
    }
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
    drafts = draftsFor(order, shipments, routed.pickupNode, now, kindOf, nodeOf);
    const claims: CapacityClaim[] = drafts
      .filter((d) => d.capacityDay !== null)
      .map((d) => ({
        nodeId: d.nodeId,
        day: d.capacityDay!,
        packages: 1,
        limit: live.nodeInfo.get(d.nodeId)?.dailyCapacity ?? 0,
      }));
    if (!(await takeCapacity(trx, claims))) {
      await routing.refreshCapacity(trx);
      drafts = [];
      if (attempts < MAX_ROUTING_ATTEMPTS)
        throw new StockMoved({ attempt: attempts, ...(freshAtp ? { freshAtp } : {}) });
      break;
    }
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
      break;
    }
    // The index was behind: read the positions themselves and decide again in a new transaction.
    drafts = [];
    if (attempts < MAX_ROUTING_ATTEMPTS) {
      throw new StockMoved({
        attempt: attempts,
        freshAtp: await routing.readAtp([...new Set(pendingLines.map((l) => l.sku))], trx),
      });
    }
    // Out of attempts: give the capacity back; what is left waits (no further locks are taken).
    await freeCapacity(trx, claims);
    break;
  }

  const allocated = new Map<string, number>();
  for (const d of drafts)
    for (const l of d.lines) allocated.set(l.orderLineId, (allocated.get(l.orderLineId) ?? 0) + l.quantity);
  const served = [...allocated.values()].reduce((s, q) => s + q, 0);
  const pendingAfter = totalPending - served;
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
    decision,
    unknownSkus,
    fulfilmentOrders: drafts,
    allocated,
    pendingAfter,
    reason: reasonFor(decision, unknownSkus, pendingAfter),
    events,
    attempts,
  };
}
