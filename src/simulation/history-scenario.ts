import { parseCsv } from '../inventory/csv-parser.ts';
import { zipCentroid } from '../network/geo-datasets.ts';
import type { InventoryEntry, NetworkDefinition } from '../routing/index.ts';
import type { Scenario, SimOrder } from './sim-types.ts';

/** One past order to replay. */
export interface HistoryOrder {
  id: string;
  placedAtMs: number;
  destination: { lat: number; lon: number };
  lines: { sku: string; quantity: number }[];
  promiseDays?: number;
  channel?: string;
  pickupNode?: string;
}

/** The network a history is replayed on: nodes, items, stock, capacity per day. */
export interface NetworkState {
  network: NetworkDefinition;
  stock: InventoryEntry[];
  dailyCapacity: Map<string, number | null>;
  source: string;
}

export const DEFAULT_PROMISE_DAYS = 5;

/**
 * A replay of past orders in their own time order: day 0 starts at the UTC midnight before the
 * first order; stock is topped up daily to the starting levels (history holds no receipts).
 */
export function historyScenario(name: string, orders: HistoryOrder[], state: NetworkState): Scenario {
  const sorted = [...orders].sort(
    (a, b) => a.placedAtMs - b.placedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const first = sorted[0]?.placedAtMs ?? Date.UTC(2025, 0, 1);
  const startMs = first - (first % 86_400_000);
  const last = sorted.at(-1)?.placedAtMs ?? startMs;
  const days = Math.max(1, Math.floor((last - startMs) / 86_400_000) + 1);
  const sim: SimOrder[] = sorted.map((o) => ({
    id: o.id,
    minute: (o.placedAtMs - startMs) / 60_000,
    destination: o.destination,
    lines: o.lines,
    promiseDays: o.promiseDays ?? DEFAULT_PROMISE_DAYS,
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.pickupNode ? { pickupNode: o.pickupNode } : {}),
  }));
  return {
    name,
    network: state.network,
    initialStock: state.stock,
    dailyCapacity: state.dailyCapacity,
    replenishment: { everyDays: 1, levels: state.stock },
    startMs,
    days,
    orderCount: sim.length,
    orders: () => sim,
    facts: {
      source: name,
      network: state.source,
      from: new Date(first).toISOString(),
      to: new Date(last).toISOString(),
      replenishment: 'daily, order-up-to the starting levels',
    },
  };
}

export type HistoryParse = { ok: true; orders: HistoryOrder[] } | { ok: false; error: string };

const REQUIRED = ['order_id', 'placed_at', 'sku', 'quantity'] as const;

/**
 * Order history as CSV, one row per order line, with a header row: `order_id`, `placed_at`
 * (ISO-8601), `sku`, `quantity`, and either `lat` + `lon` or `postal_code` (US ZIP); optional
 * `promise_days`, `channel`. Rows of one order repeat its id and destination.
 */
export function parseHistoryCsv(text: string): HistoryParse {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, error: `line ${parsed.line}: ${parsed.detail}` };
  const [head, ...rows] = parsed.records;
  if (!head) return { ok: false, error: 'the file is empty' };
  const col = new Map(head.fields.map((f, i) => [f.trim().toLowerCase(), i]));
  for (const r of REQUIRED) if (!col.has(r)) return { ok: false, error: `missing column "${r}"` };
  const hasPoint = col.has('lat') && col.has('lon');
  if (!hasPoint && !col.has('postal_code'))
    return { ok: false, error: 'need columns lat and lon, or postal_code' };
  const get = (r: string[], name: string) => {
    const i = col.get(name);
    return i === undefined ? undefined : r[i]?.trim();
  };
  const byId = new Map<string, HistoryOrder>();
  for (const rec of rows) {
    const r = rec.fields;
    const at = `line ${rec.line}`;
    const id = get(r, 'order_id');
    if (!id) return { ok: false, error: `${at}: order_id is empty` };
    const placed = Date.parse(get(r, 'placed_at') ?? '');
    if (Number.isNaN(placed)) return { ok: false, error: `${at}: placed_at is not an ISO-8601 time` };
    const sku = get(r, 'sku');
    if (!sku) return { ok: false, error: `${at}: sku is empty` };
    const quantity = Number(get(r, 'quantity'));
    if (!Number.isInteger(quantity) || quantity < 1)
      return { ok: false, error: `${at}: quantity must be an integer >= 1` };
    let order = byId.get(id);
    if (!order) {
      let destination: { lat: number; lon: number } | undefined;
      const lat = Number(get(r, 'lat'));
      const lon = Number(get(r, 'lon'));
      if (hasPoint && get(r, 'lat') !== '' && Number.isFinite(lat) && Number.isFinite(lon))
        destination = { lat, lon };
      else {
        const zip = (get(r, 'postal_code') ?? '').slice(0, 5);
        destination = zip ? zipCentroid(zip) : undefined;
      }
      if (!destination || Math.abs(destination.lat) > 90 || Math.abs(destination.lon) > 180)
        return { ok: false, error: `${at}: no usable destination (lat/lon or a known US postal_code)` };
      const promise = Number(get(r, 'promise_days'));
      const channel = get(r, 'channel');
      order = {
        id,
        placedAtMs: placed,
        destination,
        lines: [],
        ...(Number.isInteger(promise) && promise >= 0 ? { promiseDays: promise } : {}),
        ...(channel ? { channel } : {}),
      };
      byId.set(id, order);
    }
    const same = order.lines.find((l) => l.sku === sku);
    if (same) same.quantity += quantity;
    else order.lines.push({ sku, quantity });
  }
  return { ok: true, orders: [...byId.values()] };
}
