import { type RawBuilder, sql } from 'kysely';
import type { Allocation } from '../fulfilment/allocation.ts';
import { allocationRowsCtes } from '../fulfilment/allocation-writes.ts';
import type { Db } from '../platform/db/database.ts';
import { type EventContext, type OrderEvent, orderEventsCte } from './order-events.ts';
import type { OrderLineRow, OrderRow } from './order-view.ts';

/**
 * The CTEs writing a captured order (`o`, `l`, `fo`, `fol`, `dec`, `ev_seq`, `ev_ins`, `ev_notify`)
 * to embed in a larger statement: everything is written only if the order row was inserted, and
 * that only when `gate` (a SQL boolean) holds. `o` is empty when the channel order id was taken.
 */
export function captureCtes(
  order: OrderRow,
  lines: OrderLineRow[],
  allocation: Allocation,
  events: OrderEvent[],
  ctx: EventContext,
  gate: RawBuilder<unknown> = sql`true`,
): RawBuilder<unknown> {
  const nowIso = order.created_at.toISOString();
  const inserted = sql`EXISTS (SELECT 1 FROM o)`;
  return sql`
    o AS (
      INSERT INTO orders (id, channel, external_id, status, status_reason, customer, destination, dest_lat, dest_lon,
        fulfilment, pickup_node, service_level, priority, currency, placed_at, holds, notes, needs_allocation,
        waiting_since, attempted, created_at, updated_at)
      SELECT ${order.id}::uuid, ${order.channel}, ${order.external_id}, ${order.status}, ${order.status_reason}::text,
        ${JSON.stringify(order.customer)}::jsonb, ${JSON.stringify(order.destination)}::jsonb, ${order.dest_lat}::float8,
        ${order.dest_lon}::float8, ${order.fulfilment}, ${order.pickup_node}::text, ${order.service_level}, ${order.priority}::smallint,
        ${order.currency}, ${order.placed_at.toISOString()}::timestamptz, ${order.holds as string[]}::text[],
        ${order.notes}::text, ${order.needs_allocation}::boolean, ${order.waiting_since?.toISOString() ?? null}::timestamptz,
        true, ${nowIso}::timestamptz, ${nowIso}::timestamptz
      WHERE ${gate}
      ON CONFLICT (channel, external_id) DO NOTHING
      RETURNING id
    ),
    l AS (
      INSERT INTO order_lines (id, order_id, line_no, sku, quantity, price, external_line_id, allocated, status)
      SELECT x.id, o.id, x.line_no, x.sku, x.quantity, x.price, x.external_line_id, x.allocated, x.status
      FROM o, unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.line_no)}::int[],
        ${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.price)}::numeric[],
        ${lines.map((l) => l.external_line_id)}::text[], ${lines.map((l) => l.allocated)}::int[],
        ${lines.map((l) => l.status)}::text[]) AS x(id, line_no, sku, quantity, price, external_line_id, allocated, status)
      RETURNING 1
    ),
    ${allocationRowsCtes(order.id, allocation, 'capture', [], nowIso, inserted)},
    ${orderEventsCte(order.id, events, ctx, inserted)}`;
}

/**
 * Writes a captured order in ONE statement, after its units were reserved: the order row (in its
 * final status), its lines with their allocated counters, the fulfilment orders and their lines,
 * the decision and the events. The order row is inserted `ON CONFLICT (channel, external_id) DO
 * NOTHING` and everything else only if it was: returns false, having written nothing, when that
 * channel order id was captured already (a concurrent duplicate waits here for the first one's
 * commit). The caller then rolls its transaction back, reservations included.
 */
export async function writeCapture(
  trx: Db,
  order: OrderRow,
  lines: OrderLineRow[],
  allocation: Allocation,
  events: OrderEvent[],
  ctx: EventContext,
): Promise<boolean> {
  const { rows } = await sql<{ o: number }>`
    WITH ${captureCtes(order, lines, allocation, events, ctx)}
    SELECT (SELECT count(*) FROM o)::int AS o, (SELECT count(*) FROM l) AS l, (SELECT count(*) FROM fo) AS fo,
      (SELECT count(*) FROM fol) AS fol, (SELECT count(*) FROM dec) AS dec, (SELECT count(*) FROM ev_notify) AS ev
  `.execute(trx);
  return (rows[0]?.o ?? 0) === 1;
}
