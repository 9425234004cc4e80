import { api, mapLimit, qs } from '../api/client.ts';
import type { Order, OrderSummary, OutboxEvent, Page } from '../api/types.ts';
import { dayOf, lastDays } from './format.ts';

// The API has no analytics endpoint yet: the overview and the map count events from the outbox
// (filtered by type on the server) and read the details of the latest orders for costs and
// destinations. Both are capped so a large history cannot stall the page.
const EVENT_TYPES = [
  'order.created',
  'order.backordered',
  'fulfilment-order.released',
  'fulfilment-order.rejected',
  'fulfilment-order.shipped',
  'fulfilment-order.ready-for-pickup',
];
const MAX_EVENTS = 30_000;
const PAGE = 1000;

export async function loadActivityEvents(): Promise<OutboxEvent[]> {
  const out: OutboxEvent[] = [];
  let after = '0';
  for (;;) {
    const page = await api<{ items: OutboxEvent[]; nextCursor: string }>(
      `/v1/events${qs({ types: EVENT_TYPES.join(','), after, limit: PAGE })}`,
    );
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= MAX_EVENTS) return out;
    after = page.nextCursor;
  }
}

export interface DayStats {
  day: string;
  orders: number;
  packages: number;
  /** Orders with at least one package released that day. */
  ordersReleased: number;
  splitOrders: number;
  backorders: number;
  rejections: number;
  completed: number;
  onTime: number;
}

/**
 * Per local day: orders captured, packages released (net of rejections), split orders (more than
 * one node kept work), backorders, rejections, and on-time completions (shipped or ready for
 * pickup no later than the promised date).
 */
export function dailyStats(events: OutboxEvent[], days: number): DayStats[] {
  const range = lastDays(days);
  const stats = new Map(
    range.map((day) => [
      day,
      {
        day,
        orders: 0,
        packages: 0,
        ordersReleased: 0,
        splitOrders: 0,
        backorders: 0,
        rejections: 0,
        completed: 0,
        onTime: 0,
      },
    ]),
  );
  const promised = new Map<string, string>();
  const rejected = new Set<string>();
  const releasedBy = new Map<string, { day: string; order: string; node: string }>();
  for (const e of events) {
    const p = e.payload;
    if (e.type === 'fulfilment-order.rejected') rejected.add(String(p.fulfilmentOrderId));
    if (e.type === 'fulfilment-order.released') {
      releasedBy.set(String(p.fulfilmentOrderId), {
        day: dayOf(e.occurredAt),
        order: String(p.orderId),
        node: String(p.nodeId),
      });
      if (typeof p.promisedDate === 'string') promised.set(String(p.fulfilmentOrderId), p.promisedDate);
    }
  }
  const nodesByOrderDay = new Map<string, Set<string>>();
  for (const [fo, r] of releasedBy) {
    const s = stats.get(r.day);
    if (!s || rejected.has(fo)) continue;
    s.packages++;
    const k = `${r.day}|${r.order}`;
    const set = nodesByOrderDay.get(k) ?? new Set<string>();
    set.add(r.node);
    nodesByOrderDay.set(k, set);
  }
  for (const [k, nodes] of nodesByOrderDay) {
    const s = stats.get(k.split('|')[0] as string);
    if (!s) continue;
    s.ordersReleased++;
    if (nodes.size > 1) s.splitOrders++;
  }
  for (const e of events) {
    const s = stats.get(dayOf(e.occurredAt));
    if (!s) continue;
    if (e.type === 'order.created') s.orders++;
    else if (e.type === 'order.backordered') s.backorders++;
    else if (e.type === 'fulfilment-order.rejected') s.rejections++;
    else if (e.type === 'fulfilment-order.shipped' || e.type === 'fulfilment-order.ready-for-pickup') {
      s.completed++;
      const due = promised.get(String(e.payload.fulfilmentOrderId));
      if (!due || dayOf(e.occurredAt) <= due) s.onTime++;
    }
  }
  return range.map((d) => stats.get(d) as DayStats);
}

/** Packages released today per node, net of rejections: the day's load. */
export function todaysLoad(events: OutboxEvent[]): Map<string, number> {
  const today = dayOf(new Date());
  const rejected = new Set(
    events
      .filter((e) => e.type === 'fulfilment-order.rejected')
      .map((e) => String(e.payload.fulfilmentOrderId)),
  );
  const load = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'fulfilment-order.released' || dayOf(e.occurredAt) !== today) continue;
    if (rejected.has(String(e.payload.fulfilmentOrderId))) continue;
    const node = String(e.payload.nodeId);
    load.set(node, (load.get(node) ?? 0) + 1);
  }
  return load;
}

/** The latest orders with their details (lines, fulfilment orders, destination, routing cost). */
export async function loadRecentOrders(max: number): Promise<Order[]> {
  const page = await api<Page<OrderSummary>>(`/v1/orders${qs({ limit: Math.min(max, 200) })}`);
  return mapLimit(page.items, 6, (o) => api<Order>(`/v1/orders/${o.id}`));
}
