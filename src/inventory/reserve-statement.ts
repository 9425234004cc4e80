import { type RawBuilder, sql } from 'kysely';
import { EVENTS_CHANNEL } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';

/** One line of a reservation request, with its reservation id. */
export interface ReserveLine {
  id: string;
  line: number;
  lineId?: string;
  nodeId: string;
  sku: string;
  quantity: number;
}

export interface ReserveWrite {
  lines: ReserveLine[];
  requestId: string;
  owner: { type: string; id: string };
  expiresAt: Date | null;
  now: Date;
  reason: string | null;
  actor: string | null;
  correlationId: string;
  /** `reservation.created`: its aggregate id and payload. */
  eventAggregateId: string;
  eventPayload: unknown;
}

/** 'c' rows name the short lines; none means every line was reserved. */
export interface ReserveRow {
  part: 'u' | 'c';
  node_id: string;
  sku: string;
  qty: number;
  available: number | null;
}

/**
 * The reservation's CTEs (`lines`, `d`, `snap`, `pre`, `locked`, `chk`, `go`, `u`, `r`, `m`, `ev`,
 * `seq`, `e`, `woke`) to embed in a larger statement; `go.ok` tells whether every line was reserved.
 * `gate` (a SQL boolean, evaluated BEFORE any position is locked) lets the statement lock and
 * reserve only when an earlier part of it succeeded (e.g. capacity claimed: capacity before stock).
 */
export function reserveCtes(w: ReserveWrite, gate: RawBuilder<unknown> = sql`true`): RawBuilder<unknown> {
  const n = w.lines.length;
  const ids = new Array<string>(n);
  const lineNos = new Array<number>(n);
  const lineIds = new Array<string | null>(n);
  const nodes = new Array<string>(n);
  const skus = new Array<string>(n);
  const qtys = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const l = w.lines[i]!;
    ids[i] = l.id;
    lineNos[i] = l.line;
    lineIds[i] = l.lineId ?? null;
    nodes[i] = l.nodeId;
    skus[i] = l.sku;
    qtys[i] = l.quantity;
  }
  return sql`
    lines AS (
      SELECT * FROM unnest(${ids}::uuid[], ${lineNos}::int[], ${lineIds}::text[], ${nodes}::text[],
        ${skus}::text[], ${qtys}::int[]) AS l(id, line, line_id, node_id, sku, qty)
    ),
    d AS (SELECT node_id, sku, sum(qty)::int AS qty FROM lines GROUP BY node_id, sku),
    snap AS (
      SELECT d.node_id, d.sku, d.qty, p.on_hand - p.reserved - p.safety_stock AS atp
      FROM d LEFT JOIN inventory_positions p ON p.node_id = d.node_id AND p.sku = d.sku
    ),
    pre AS (SELECT ${gate} AND bool_and(coalesce(atp >= qty, false)) AS ok FROM snap),
    locked AS (
      SELECT p.node_id, p.sku, p.on_hand - p.reserved - p.safety_stock AS atp
      FROM inventory_positions p JOIN d ON d.node_id = p.node_id AND p.sku = d.sku
      WHERE (SELECT ok FROM pre)
      ORDER BY p.node_id, p.sku
      FOR NO KEY UPDATE OF p
    ),
    chk AS (
      SELECT s.node_id, s.sku, s.qty, coalesce(l.atp, s.atp) AS atp,
        coalesce(coalesce(l.atp, s.atp) >= s.qty, false) AS ok, l.node_id IS NOT NULL AS locked
      FROM snap s LEFT JOIN locked l ON l.node_id = s.node_id AND l.sku = s.sku
    ),
    go AS (SELECT (SELECT ok FROM pre) AND bool_and(ok AND locked) AS ok FROM chk),
    u AS (
      UPDATE inventory_positions p
      SET reserved = p.reserved + d.qty, version = p.version + 1, updated_at = now()
      FROM d
      WHERE p.node_id = d.node_id AND p.sku = d.sku AND (SELECT ok FROM go)
        AND p.on_hand - p.reserved - p.safety_stock >= d.qty
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version, d.qty
    ),
    r AS (
      INSERT INTO reservations (id, request_id, line, line_id, node_id, sku, quantity, requested, status,
        owner_type, owner_id, expires_at, created_at, updated_at)
      SELECT id, ${w.requestId}::uuid, line, line_id, node_id, sku, qty, qty, 'open', ${w.owner.type},
        ${w.owner.id}, ${w.expiresAt}::timestamptz, ${w.now}::timestamptz, ${w.now}::timestamptz
      FROM lines WHERE (SELECT ok FROM go)
    ),
    m AS (
      INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor,
        correlation_id, reservation_id)
      SELECT node_id, sku, 'reserve', 0, qty, ${w.reason}, ${w.actor}, ${w.correlationId}, id
      FROM lines WHERE (SELECT ok FROM go)
    ),
    ev AS (
      SELECT 0 AS ord, 'reservation.created' AS type, 'reservation' AS aggregate_type,
        ${w.eventAggregateId}::text AS aggregate_id, ${JSON.stringify(w.eventPayload)}::jsonb AS payload
      WHERE (SELECT ok FROM go)
      UNION ALL
      SELECT 1, 'inventory.low-stock', 'inventory-position', u.node_id || '/' || u.sku,
        jsonb_build_object('nodeId', u.node_id, 'sku', u.sku,
          'atp', greatest(u.on_hand - u.reserved - u.safety_stock, 0), 'reorderPoint', u.reorder_point,
          'onHand', u.on_hand, 'reserved', u.reserved, 'safetyStock', u.safety_stock, 'version', u.version)
      FROM u
      WHERE u.reorder_point IS NOT NULL
        AND greatest(u.on_hand - (u.reserved - u.qty) - u.safety_stock, 0) >= u.reorder_point
        AND greatest(u.on_hand - u.reserved - u.safety_stock, 0) < u.reorder_point
    ),
    seq AS (
      INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
      SELECT aggregate_type, aggregate_id, 1 FROM ev ORDER BY aggregate_type, aggregate_id
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = event_sequences.last_seq + 1
      RETURNING aggregate_type, aggregate_id, last_seq
    ),
    e AS (
      INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
      SELECT gen_random_uuid(), ev.type, ev.aggregate_type, ev.aggregate_id, seq.last_seq, ev.payload,
        ${w.actor}, ${w.correlationId}
      FROM ev JOIN seq ON seq.aggregate_type = ev.aggregate_type AND seq.aggregate_id = ev.aggregate_id
      ORDER BY ev.ord, ev.aggregate_id
      RETURNING 1
    ),
    woke AS (SELECT pg_notify(${EVENTS_CHANNEL}, '') FROM go WHERE ok AND (SELECT count(*) FROM e) > 0)`;
}

/**
 * The whole reservation in ONE statement, so that without an outer transaction it runs as a
 * single autocommit round trip (one statement is atomic: all of it or none of it).
 *
 * A snapshot read first: if it already shows a shortage the statement answers without taking any
 * lock (a sold-out position does not queue buyers). Otherwise the positions are locked in
 * (node_id, sku) order (no deadlocks), checked against their latest committed counters, and only
 * if every line passes are `reserved` bumped (a guarded UPDATE, never read-modify-write) and the
 * reservation rows, the ledger rows and the events written: `reservation.created`, plus
 * `inventory.low-stock` for a position whose ATP crossed below its reorder point — the rows
 * `appendEvent` writes (aggregate sequence + event), and its notification.
 */
export async function reserveStatement(trx: Db, w: ReserveWrite): Promise<ReserveRow[]> {
  const { rows } = await sql<ReserveRow>`
    WITH ${reserveCtes(w)}
    SELECT 'u' AS part, node_id, sku, qty, NULL::int AS available FROM u
    WHERE (SELECT count(*) FROM woke) >= 0
    UNION ALL
    SELECT 'c', node_id, sku, qty, CASE WHEN atp IS NOT NULL THEN greatest(atp, 0) END
    FROM chk WHERE NOT ok
  `.execute(trx);
  return rows;
}
