import { sql } from 'kysely';
import { FO_DONE, FO_OPEN } from '../../src/fulfilment/fulfilment-order-states.ts';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import type { Db } from '../../src/platform/db/database.ts';

/** The end state of a crash run, read from the database after the survivors have settled. */
export interface StateFindings {
  orders: number;
  /** Acknowledged orders missing, or stored under another id than the one answered. */
  lost: number;
  /** Channel order ids answered with two ids or stored twice, and orders with other than one `order.created`. */
  duplicated: number;
  /** Units reserved and shipped beyond the units supplied, summed over positions. */
  oversold: number;
  /** Open reservations without an open fulfilment order line holding them, and the reverse. */
  reservationMismatches: number;
  /** Order lines whose `allocated` differs from the units of their open fulfilment order lines. */
  allocationMismatches: number;
  /** Positions with reserved > on hand, or a negative counter. */
  badPositions: number;
  ledgerBreaches: number;
}

export async function checkState(
  db: Db,
  runId: string,
  acknowledged: Map<string, Set<string>>,
): Promise<StateFindings> {
  const stored = await db
    .selectFrom('orders')
    .select(['id', 'external_id'])
    .where('channel', '=', 'web')
    .where('external_id', 'like', `${runId}-%`)
    .execute();
  const byExt = new Map<string, string[]>();
  for (const o of stored) byExt.set(o.external_id, [...(byExt.get(o.external_id) ?? []), o.id]);
  let lost = 0;
  let duplicated = 0;
  for (const [ext, ids] of acknowledged) {
    const rows = byExt.get(ext) ?? [];
    if (ids.size > 1) duplicated++;
    if (![...ids].every((id) => rows.includes(id))) lost++;
  }
  for (const rows of byExt.values()) if (rows.length > 1) duplicated++;
  const created = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM orders o
    WHERE o.external_id LIKE ${`${runId}-%`} AND (SELECT count(*) FROM events e
      WHERE e.aggregate_type = 'order' AND e.aggregate_id = o.id::text AND e.type = 'order.created') <> 1`.execute(
    db,
  );
  duplicated += created.rows[0]?.n ?? 0;

  const open = sql.join(FO_OPEN.map((s) => sql.lit(s)));
  const done = sql.join(FO_DONE.map((s) => sql.lit(s)));
  const reservations = await sql<{ n: number }>`
    WITH held AS (
      SELECT fl.reservation_id AS id, f.node_id, fl.sku, fl.quantity - fl.short AS quantity
      FROM fulfilment_order_lines fl JOIN fulfilment_orders f ON f.id = fl.fulfilment_order_id
      WHERE f.status IN (${open})
    ), r AS (SELECT id, node_id, sku, quantity FROM reservations WHERE status = 'open')
    SELECT count(*)::int AS n FROM held FULL JOIN r ON r.id = held.id
    WHERE held.id IS NULL OR r.id IS NULL OR r.node_id <> held.node_id OR r.sku <> held.sku
      OR r.quantity <> held.quantity`.execute(db);
  const allocation = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM order_lines l
    WHERE l.allocated <> coalesce((SELECT sum(fl.quantity - fl.short) FROM fulfilment_order_lines fl
      JOIN fulfilment_orders f ON f.id = fl.fulfilment_order_id
      WHERE fl.order_line_id = l.id AND f.status IN (${open})), 0)
      OR l.allocated < 0 OR l.allocated + l.shipped + l.cancelled > l.quantity`.execute(db);
  const positions = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM inventory_positions
    WHERE reserved > on_hand OR on_hand < 0 OR reserved < 0`.execute(db);
  // Supplied: every on-hand movement but shipping. Shipped: the larger of the ledger's and the
  // shipped fulfilment order lines' (they must agree; the larger is the safer count).
  const oversold = await sql<{ units: number }>`
    WITH m AS (
      SELECT node_id, sku, sum(on_hand_delta) FILTER (WHERE kind <> 'ship') AS supplied,
             -coalesce(sum(on_hand_delta) FILTER (WHERE kind = 'ship'), 0) AS shipped
      FROM inventory_movements GROUP BY node_id, sku
    ), s AS (
      SELECT f.node_id, fl.sku, sum(fl.quantity - fl.short) AS shipped
      FROM fulfilment_order_lines fl JOIN fulfilment_orders f ON f.id = fl.fulfilment_order_id
      WHERE f.status IN (${done}) GROUP BY f.node_id, fl.sku
    ), r AS (
      SELECT node_id, sku, sum(quantity) AS reserved FROM reservations WHERE status = 'open' GROUP BY node_id, sku
    )
    SELECT coalesce(sum(greatest(0, coalesce(r.reserved, 0) + greatest(coalesce(m.shipped, 0), coalesce(s.shipped, 0))
      - coalesce(m.supplied, 0))), 0)::int AS units
    FROM m FULL JOIN s ON s.node_id = m.node_id AND s.sku = m.sku
    FULL JOIN r ON r.node_id = coalesce(m.node_id, s.node_id) AND r.sku = coalesce(m.sku, s.sku)`.execute(db);
  const ledger = await verifyLedger(db);
  return {
    orders: stored.length,
    lost,
    duplicated,
    oversold: oversold.rows[0]?.units ?? 0,
    reservationMismatches: reservations.rows[0]?.n ?? 0,
    allocationMismatches: allocation.rows[0]?.n ?? 0,
    badPositions: positions.rows[0]?.n ?? 0,
    ledgerBreaches: ledger.breaches.length,
  };
}

/** Work that must resume after the crashes; each figure must reach 0 once the survivors settle. */
export interface PendingWork {
  /** Released fulfilment orders more than `graceMs` past their accept-by time. */
  overdueSla: number;
  /** Units of order lines still waiting for stock. */
  waitingUnits: number;
}

export async function pendingWork(db: Db, graceMs: number): Promise<PendingWork> {
  const { rows } = await sql<PendingWork>`
    SELECT (SELECT count(*)::int FROM fulfilment_orders WHERE status = 'released'
              AND accept_by < now() - make_interval(secs => ${graceMs / 1000})) AS "overdueSla",
           (SELECT coalesce(sum(l.quantity - l.cancelled - l.allocated - l.shipped), 0)::int
              FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled') AS "waitingUnits"`.execute(
    db,
  );
  return rows[0]!;
}

/** Units still waiting per sku (what a final receipt must bring for every backorder to be served). */
export async function waitingBySku(db: Db): Promise<Map<string, number>> {
  const { rows } = await sql<{ sku: string; units: number }>`
    SELECT l.sku, sum(l.quantity - l.cancelled - l.allocated - l.shipped)::int AS units
    FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled'
    GROUP BY l.sku HAVING sum(l.quantity - l.cancelled - l.allocated - l.shipped) > 0`.execute(db);
  return new Map(rows.map((r) => [r.sku, r.units]));
}

/** Events of the run (after the subscription's start) and how the deliveries log recorded them. */
export async function eventLog(db: Db, afterPosition: number) {
  const events = await db.selectFrom('events').select(['id']).where('position', '>', afterPosition).execute();
  const unsequenced = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM events WHERE position IS NULL`.execute(db);
  const doubles = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT event_id FROM webhook_attempts WHERE status = 'delivered'
      GROUP BY subscription_id, event_id HAVING count(*) > 1) x`.execute(db);
  return {
    ids: events.map((e) => e.id),
    unsequenced: unsequenced.rows[0]?.n ?? 0,
    loggedTwice: doubles.rows[0]?.n ?? 0,
  };
}
