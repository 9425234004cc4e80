import type { Selectable } from 'kysely';
import { FO_DROPPED } from '../fulfilment/fulfilment-order-states.ts';
import { SERVICE_LEVELS } from '../fulfilment/rate-cards.ts';
import type { FulfilmentOrderLinesTable, FulfilmentOrdersTable } from '../fulfilment/tables.ts';
import type { FulfilmentOrderView, OrderView } from './order-schema.ts';
import { emptyCounts, type OrderStatus, type UnitCounts } from './order-states.ts';
import type { OrderDecisionsTable, OrderLinesTable, OrdersTable } from './tables.ts';

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type FoRow = Selectable<FulfilmentOrdersTable>;
export type FoLineRow = Selectable<FulfilmentOrderLinesTable>;
export type DecisionRow = Pick<
  Selectable<OrderDecisionsTable>,
  'trigger' | 'outcome' | 'strategy' | 'plan' | 'cost' | 'created_at'
>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const day = (d: unknown): string | null =>
  d === null || d === undefined
    ? null
    : d instanceof Date
      ? d.toISOString().slice(0, 10)
      : String(d).slice(0, 10);

/** Adds a fulfilment order line's units to the bucket of its FO's status. */
function addUnits(c: UnitCounts, status: string, units: number): void {
  switch (status) {
    case 'created':
      c.created += units;
      break;
    case 'released':
    case 'accepted':
    case 'picking':
    case 'packed':
      c.released += units;
      break;
    case 'ready-for-pickup':
      c.ready += units;
      break;
    case 'shipped':
      c.shipped += units;
      break;
    case 'delivered':
      c.delivered += units;
      break;
    case 'picked-up':
      c.pickedUp += units;
      break;
  }
}

/** Unit counts per order line (and for the whole order) from the lines and their fulfilment order lines. */
export function unitCounts(
  lines: readonly Pick<OrderLineRow, 'id' | 'quantity' | 'cancelled' | 'allocated' | 'shipped'>[],
  fos: readonly Pick<FoRow, 'id' | 'status'>[],
  foLines: readonly Pick<FoLineRow, 'fulfilment_order_id' | 'order_line_id' | 'quantity' | 'short'>[],
): { total: UnitCounts; byLine: Map<string, UnitCounts> } {
  const statusOf = new Map(fos.map((f) => [f.id, f.status]));
  const byLine = new Map<string, UnitCounts>();
  const total = emptyCounts();
  for (const l of lines) {
    const c = emptyCounts();
    c.ordered = l.quantity;
    c.cancelled = l.cancelled;
    c.pending = l.quantity - l.cancelled - l.allocated - l.shipped;
    byLine.set(l.id, c);
  }
  for (const fl of foLines) {
    const status = statusOf.get(fl.fulfilment_order_id);
    const c = byLine.get(fl.order_line_id);
    if (!status || !c || (FO_DROPPED as readonly string[]).includes(status)) continue;
    addUnits(c, status, fl.quantity - fl.short);
  }
  for (const c of byLine.values())
    for (const k of Object.keys(total) as (keyof UnitCounts)[]) total[k] += c[k];
  return { total, byLine };
}

/** A line's status: the bucket its units are in (split lines: partially-shipped / -backordered). */
export function lineStatus(c: UnitCounts): string {
  const buckets: [string, number][] = [
    ['cancelled', c.cancelled],
    ['backordered', c.pending],
    ['routed', c.created],
    ['released', c.released],
    ['ready-for-pickup', c.ready],
    ['shipped', c.shipped],
    ['delivered', c.delivered],
    ['picked-up', c.pickedUp],
  ];
  const live = buckets.filter(([, n]) => n > 0);
  if (live.length === 0) return 'cancelled';
  const notCancelled = live.filter(([s]) => s !== 'cancelled');
  if (notCancelled.length === 0) return 'cancelled';
  if (notCancelled.length === 1) return notCancelled[0]![0];
  const gone = c.shipped + c.delivered + c.pickedUp;
  return gone > 0 ? 'partially-shipped' : c.pending > 0 ? 'partially-backordered' : 'released';
}

export function toFoView(f: FoRow, lines: readonly FoLineRow[]): FulfilmentOrderView {
  return {
    id: f.id,
    orderId: f.order_id,
    seq: f.seq,
    nodeId: f.node_id,
    kind: f.kind,
    status: f.status as FulfilmentOrderView['status'],
    acceptBy: iso(f.accept_by),
    releasedAt: iso(f.released_at),
    acceptedAt: iso(f.accepted_at),
    shippedAt: iso(f.shipped_at),
    completedAt: iso(f.completed_at),
    carrier: f.carrier,
    trackingNumber: f.tracking_number,
    promisedDate: day(f.promised_date),
    days: f.days,
    miles: Math.round(f.miles * 10) / 10,
    reason: f.reason,
    lines: lines
      .filter((l) => l.fulfilment_order_id === f.id)
      .map((l) => ({ orderLineId: l.order_line_id, sku: l.sku, quantity: l.quantity, short: l.short })),
    version: f.version,
    createdAt: f.created_at.toISOString(),
    updatedAt: f.updated_at.toISOString(),
  };
}

/** Whether the live shipments meet the service level's transit limit (null: no limit, or none). */
function serviceLevelMet(level: string, live: readonly FoRow[]): boolean | null {
  const limit = SERVICE_LEVELS[level]?.latestDays ?? null;
  const shipped = live.filter((f) => f.kind !== 'pickup');
  if (limit === null || shipped.length === 0) return null;
  return shipped.every((f) => f.days <= limit);
}

export function toOrderView(
  o: OrderRow,
  lines: readonly OrderLineRow[],
  fos: readonly FoRow[],
  foLines: readonly FoLineRow[],
  decision: DecisionRow | null,
): OrderView {
  const { byLine } = unitCounts(lines, fos, foLines);
  const sortedFos = [...fos].sort((a, b) => a.seq - b.seq);
  const live = sortedFos.filter((f) => !(FO_DROPPED as readonly string[]).includes(f.status));
  const promised = live.map((f) => day(f.promised_date)).filter((d): d is string => d !== null);
  const plan = decision?.plan as { shipments?: { node: string }[] } | null;
  const cost = decision?.cost as { total?: number } | null;
  return {
    id: o.id,
    channel: o.channel,
    externalId: o.external_id,
    status: o.status as OrderStatus,
    statusReason: o.status_reason,
    customer: o.customer as Record<string, unknown>,
    destination: o.destination as OrderView['destination'],
    fulfilment: o.fulfilment,
    pickupNode: o.pickup_node,
    serviceLevel: o.service_level,
    currency: o.currency,
    placedAt: o.placed_at.toISOString(),
    holds: o.holds,
    excludedNodes: o.excluded_nodes,
    notes: o.notes,
    promisedDate: promised.length ? promised.sort().at(-1)! : null,
    serviceLevelMet: serviceLevelMet(o.service_level, live),
    lines: [...lines]
      .sort((a, b) => a.line_no - b.line_no)
      .map((l) => {
        const c = byLine.get(l.id)!;
        return {
          id: l.id,
          lineNo: l.line_no,
          sku: l.sku,
          quantity: l.quantity,
          price: Number(l.price),
          externalLineId: l.external_line_id,
          status: lineStatus(c),
          quantities: {
            ordered: c.ordered,
            cancelled: c.cancelled,
            backordered: c.pending,
            routed: c.created,
            released: c.released,
            readyForPickup: c.ready,
            shipped: c.shipped,
            delivered: c.delivered,
            pickedUp: c.pickedUp,
          },
        };
      }),
    fulfilmentOrders: sortedFos.map((f) => toFoView(f, foLines)),
    decision: decision
      ? {
          trigger: decision.trigger,
          outcome: decision.outcome,
          strategy: decision.strategy,
          cost: typeof cost?.total === 'number' ? Math.round(cost.total * 100) / 100 : null,
          nodes: (plan?.shipments ?? []).map((s) => s.node),
          createdAt: decision.created_at.toISOString(),
        }
      : null,
    version: o.version,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}
