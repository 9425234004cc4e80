import { sql } from 'kysely';
import { EVENTS_CHANNEL } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import type { ReserveWrite } from './reserve-statement.ts';

/**
 * Several independent reservation requests in ONE autocommit statement (one plan, one round trip,
 * one durable commit), each still all-or-nothing.
 *
 * The positions of the whole batch are locked in (node_id, sku) order, as a single request locks
 * them (no deadlocks with other batches or single requests). Requests are then taken in batch
 * order: a request is accepted when, for each of its lines, the demand of ALL earlier requests of
 * the batch on that position plus its own fits the locked ATP. Counting earlier requests even when
 * they were not accepted is conservative — the accepted set always fits — and it keeps the
 * decision one window sum instead of a sequential loop; a request left out is answered by the
 * caller with the single-request statement (which also names its shortages). The counters are
 * bumped by the same guarded UPDATE; if it ever touched fewer positions than planned, the guard
 * raises and nothing of the batch is applied. Writes the rows a single reservation writes:
 * reservation and ledger rows, `reservation.created` per request, `inventory.low-stock` per
 * position that crossed below its reorder point, their notification.
 *
 * Returns the batch indexes of the accepted requests.
 */
export async function reserveBatchStatement(db: Db, writes: ReserveWrite[]): Promise<Set<number>> {
  const reqs = writes.map((_, i) => i);
  const lReq: number[] = [];
  const ids: string[] = [];
  const lineNos: number[] = [];
  const lineIds: (string | null)[] = [];
  const nodes: string[] = [];
  const skus: string[] = [];
  const qtys: number[] = [];
  writes.forEach((w, r) => {
    for (const l of w.lines) {
      lReq.push(r);
      ids.push(l.id);
      lineNos.push(l.line);
      lineIds.push(l.lineId ?? null);
      nodes.push(l.nodeId);
      skus.push(l.sku);
      qtys.push(l.quantity);
    }
  });
  const { rows } = await sql<{ req: number }>`
    WITH rq AS (
      SELECT * FROM unnest(${reqs}::int[], ${writes.map((w) => w.requestId)}::uuid[],
        ${writes.map((w) => w.owner.type)}::text[], ${writes.map((w) => w.owner.id)}::text[],
        ${writes.map((w) => w.expiresAt)}::timestamptz[], ${writes.map((w) => w.now)}::timestamptz[],
        ${writes.map((w) => w.reason)}::text[], ${writes.map((w) => w.actor)}::text[],
        ${writes.map((w) => w.correlationId)}::text[], ${writes.map((w) => w.eventAggregateId)}::text[],
        ${writes.map((w) => JSON.stringify(w.eventPayload))}::jsonb[])
        AS r(req, request_id, owner_type, owner_id, expires_at, at, reason, actor, correlation_id, agg_id, payload)
    ),
    lines AS (
      SELECT * FROM unnest(${lReq}::int[], ${ids}::uuid[], ${lineNos}::int[], ${lineIds}::text[],
        ${nodes}::text[], ${skus}::text[], ${qtys}::int[]) AS l(req, id, line, line_id, node_id, sku, qty)
    ),
    d AS (SELECT DISTINCT node_id, sku FROM lines),
    locked AS (
      SELECT p.node_id, p.sku, p.on_hand - p.reserved - p.safety_stock AS atp
      FROM inventory_positions p JOIN d ON d.node_id = p.node_id AND d.sku = p.sku
      ORDER BY p.node_id, p.sku
      FOR NO KEY UPDATE OF p
    ),
    cum AS (
      SELECT l.req, k.atp,
        sum(l.qty) OVER (PARTITION BY l.node_id, l.sku ORDER BY l.req, l.line ROWS UNBOUNDED PRECEDING) AS upto
      FROM lines l LEFT JOIN locked k ON k.node_id = l.node_id AND k.sku = l.sku
    ),
    acc AS (SELECT req FROM cum GROUP BY req HAVING bool_and(coalesce(upto <= atp, false))),
    al AS (SELECT l.* FROM lines l JOIN acc ON acc.req = l.req),
    ad AS (SELECT node_id, sku, sum(qty)::int AS qty, max(req) AS last_req FROM al GROUP BY node_id, sku),
    u AS (
      UPDATE inventory_positions p
      SET reserved = p.reserved + ad.qty, version = p.version + 1, updated_at = now()
      FROM ad
      WHERE p.node_id = ad.node_id AND p.sku = ad.sku AND p.on_hand - p.reserved - p.safety_stock >= ad.qty
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version, ad.qty,
        ad.last_req
    ),
    r AS (
      INSERT INTO reservations (id, request_id, line, line_id, node_id, sku, quantity, requested, status,
        owner_type, owner_id, expires_at, created_at, updated_at)
      SELECT al.id, rq.request_id, al.line, al.line_id, al.node_id, al.sku, al.qty, al.qty, 'open',
        rq.owner_type, rq.owner_id, rq.expires_at, rq.at, rq.at
      FROM al JOIN rq ON rq.req = al.req
    ),
    m AS (
      INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor,
        correlation_id, reservation_id)
      SELECT al.node_id, al.sku, 'reserve', 0, al.qty, rq.reason, rq.actor, rq.correlation_id, al.id
      FROM al JOIN rq ON rq.req = al.req
      ORDER BY al.req, al.line
    ),
    ev AS (
      SELECT 0 AS ord, rq.req AS sub, 'reservation.created' AS type, 'reservation' AS aggregate_type,
        rq.agg_id AS aggregate_id, rq.payload, rq.actor, rq.correlation_id
      FROM rq JOIN acc ON acc.req = rq.req
      UNION ALL
      -- Attributed to the last request of the batch that reserved at the position.
      SELECT 1, u.last_req, 'inventory.low-stock', 'inventory-position', u.node_id || '/' || u.sku,
        jsonb_build_object('nodeId', u.node_id, 'sku', u.sku,
          'atp', greatest(u.on_hand - u.reserved - u.safety_stock, 0), 'reorderPoint', u.reorder_point,
          'onHand', u.on_hand, 'reserved', u.reserved, 'safetyStock', u.safety_stock, 'version', u.version),
        rq.actor, rq.correlation_id
      FROM u JOIN rq ON rq.req = u.last_req
      WHERE u.reorder_point IS NOT NULL
        AND greatest(u.on_hand - (u.reserved - u.qty) - u.safety_stock, 0) >= u.reorder_point
        AND greatest(u.on_hand - u.reserved - u.safety_stock, 0) < u.reorder_point
    ),
    evn AS (SELECT aggregate_type, aggregate_id, count(*)::int AS n FROM ev GROUP BY aggregate_type, aggregate_id),
    seq AS (
      INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
      SELECT aggregate_type, aggregate_id, n FROM evn ORDER BY aggregate_type, aggregate_id
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = event_sequences.last_seq + EXCLUDED.last_seq
      RETURNING aggregate_type, aggregate_id, last_seq
    ),
    e AS (
      INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
      SELECT gen_random_uuid(), ev.type, ev.aggregate_type, ev.aggregate_id,
        seq.last_seq - count(*) OVER w + row_number() OVER (w ORDER BY ev.ord, ev.sub),
        ev.payload, ev.actor, ev.correlation_id
      FROM ev JOIN seq ON seq.aggregate_type = ev.aggregate_type AND seq.aggregate_id = ev.aggregate_id
      WINDOW w AS (PARTITION BY ev.aggregate_type, ev.aggregate_id)
      ORDER BY ev.ord, ev.sub, ev.aggregate_id
      RETURNING 1
    ),
    woke AS (SELECT pg_notify(${EVENTS_CHANNEL}, '') WHERE (SELECT count(*) FROM e) > 0),
    planned AS (SELECT count(*) AS n FROM ad),
    done AS (SELECT count(*) AS n FROM u)
    SELECT acc.req FROM acc
    WHERE (SELECT count(*) FROM woke) >= 0
      -- Statement guard (raises, so the whole batch rolls back) should a planned counter not move.
      AND capture_guard(CASE WHEN (SELECT n FROM planned) <> (SELECT n FROM done)
        THEN 'reservation batch: a locked position changed' END)
  `.execute(db);
  return new Set(rows.map((r) => r.req));
}
