import { type RawBuilder, sql } from 'kysely';
import { EVENTS_CHANNEL } from '../events/outbox.ts';
import { ledgerProbe, type SkipStatus } from './feed-plan.ts';
import type { FeedRow } from './feed-rows.ts';

/** The rows as parallel arrays, one per column: `unnest` turns them back into rows server-side. */
export function columns(rows: FeedRow[]) {
  const n = rows.length;
  const c = {
    rowNo: new Array<number>(n),
    kind: new Array<string>(n),
    nodeId: new Array<string>(n),
    sku: new Array<string>(n),
    quantity: new Array<number>(n),
    source: new Array<string>(n),
    sourceId: new Array<string>(n),
    sequence: new Array<number | null>(n),
    asOf: new Array<string | null>(n),
    reason: new Array<string | null>(n),
    correlationId: new Array<string | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    c.rowNo[i] = i;
    c.kind[i] = r.kind;
    c.nodeId[i] = r.nodeId;
    c.sku[i] = r.sku;
    c.quantity[i] = r.quantity;
    c.source[i] = r.source;
    c.sourceId[i] = r.sourceId;
    c.sequence[i] = r.sequence;
    c.asOf[i] = r.asOf ? r.asOf.toISOString() : null;
    c.reason[i] = r.reason;
    c.correlationId[i] = r.correlationId;
  }
  return c;
}

export interface DirectResult {
  /** [step (1 deltas, 2 counts), row, on hand, result] of each row that would leave on hand negative. */
  negative: [number, number, number, number][];
  /** Each row's verdict, by row. */
  statuses: (SkipStatus | 'apply')[] | null;
  positions: number;
}

/**
 * The batch's one statement: classification (feed-plan.ts's rules, window functions in place of
 * the staged repeats), the count corrections and negative checks (feed-apply.ts), and every write
 * gated on the checks passing.
 */
export function directStatement(
  c: ReturnType<typeof columns>,
  actor: string | null,
  correlationId: string,
  once: boolean,
): RawBuilder<DirectResult> {
  return sql<DirectResult>`
      WITH f AS (
        SELECT * FROM unnest(${c.rowNo}::int[], ${c.kind}::text[], ${c.nodeId}::text[], ${c.sku}::text[],
          ${c.quantity}::int[], ${c.source}::text[], ${c.sourceId}::text[], ${c.sequence}::bigint[],
          ${c.asOf}::timestamptz[], ${c.reason}::text[], ${c.correlationId}::text[])
          AS f(row_no, kind, node_id, sku, quantity, source, source_id, sequence, as_of, reason, correlation_id)
      ),
      w AS (
        SELECT f.*,
          min(f.row_no) OVER (PARTITION BY f.source, f.source_id) AS first_row,
          max(f.sequence) OVER pr AS prev_sequence,
          max(f.as_of) OVER pr AS prev_as_of,
          CASE WHEN f.kind = 'count' THEN row_number() OVER (
            PARTITION BY f.node_id, f.sku, f.kind = 'count' ORDER BY f.as_of DESC, f.row_no DESC) END AS count_rank
        FROM f
        WINDOW pr AS (PARTITION BY f.source, f.node_id, f.sku ORDER BY f.row_no
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
      ),
      plan AS (
        SELECT v.*, v.status = 'apply' AS applies FROM (
        SELECT w.*, mk.source IS NOT NULL AS marked,
          CASE
            WHEN w.row_no > w.first_row OR led.seen
              OR (lc.source = w.source AND lc.source_id = w.source_id) THEN 'duplicate'
            WHEN w.sequence <= greatest(mk.last_sequence, w.prev_sequence) THEN 'stale'
            WHEN w.kind <> 'count' AND (w.as_of < greatest(mk.last_as_of, w.prev_as_of) OR w.as_of < lc.counted_at)
              THEN 'stale'
            WHEN w.kind = 'count' AND w.as_of <= lc.counted_at THEN 'stale'
            WHEN w.count_rank > 1 THEN 'superseded'
            ELSE 'apply'
          END AS status
        FROM w
        LEFT JOIN inventory_feed_marks mk ON mk.source = w.source AND mk.node_id = w.node_id AND mk.sku = w.sku
        LEFT JOIN inventory_last_counts lc ON lc.node_id = w.node_id AND lc.sku = w.sku
        LEFT JOIN LATERAL (${ledgerProbe(sql`w`)}) led ON true
        ) v
      ),
      -- Filtered on a boolean column, estimated at half the rows (a test of the CASE would be
      -- estimated at one row, and every join below planned as a nested loop: quadratic).
      ap AS (SELECT * FROM plan WHERE applies),
      d AS (
        SELECT node_id, sku, sum(quantity)::int AS delta, max(row_no) AS row_no
        FROM ap WHERE kind <> 'count' GROUP BY node_id, sku
      ),
      b AS (
        SELECT x.node_id, x.sku, sum(x.quantity) AS moved
        FROM ap x JOIN ap k ON k.node_id = x.node_id AND k.sku = x.sku AND k.kind = 'count'
        WHERE x.kind <> 'count' AND coalesce(x.as_of, now()) > k.as_of
        GROUP BY x.node_id, x.sku
      ),
      cnt AS (
        SELECT k.row_no, k.node_id, k.sku, k.quantity, k.as_of, k.source, k.source_id, k.reason, k.correlation_id,
          (p.on_hand + coalesce(d.delta, 0))::int AS on_hand,
          (k.quantity - (p.on_hand + coalesce(d.delta, 0) - coalesce(a.moved, 0) - coalesce(b.moved, 0)))::int
            AS correction
        FROM ap k
        JOIN inventory_positions p ON p.node_id = k.node_id AND p.sku = k.sku
        LEFT JOIN d ON d.node_id = k.node_id AND d.sku = k.sku
        LEFT JOIN b ON b.node_id = k.node_id AND b.sku = k.sku
        LEFT JOIN LATERAL (
          SELECT sum(m.on_hand_delta) AS moved FROM inventory_movements m
          WHERE m.node_id = k.node_id AND m.sku = k.sku AND m.occurred_at > k.as_of
        ) a ON true
        WHERE k.kind = 'count'
      ),
      neg AS (
        SELECT 1 AS step, d.row_no, p.on_hand, (p.on_hand + d.delta)::int AS result
        FROM d JOIN inventory_positions p ON p.node_id = d.node_id AND p.sku = d.sku
        WHERE p.on_hand + d.delta < 0
        UNION ALL
        SELECT 2, row_no, on_hand, on_hand + correction FROM cnt WHERE on_hand + correction < 0
      ),
      ok AS (SELECT NOT EXISTS (SELECT 1 FROM neg) AS go),
      ch AS (
        SELECT coalesce(d.node_id, k.node_id) AS node_id, coalesce(d.sku, k.sku) AS sku,
          coalesce(d.delta, 0) + coalesce(k.correction, 0) AS delta
        FROM (SELECT node_id, sku, delta FROM d WHERE delta <> 0) d
        FULL JOIN (SELECT node_id, sku, correction FROM cnt WHERE correction <> 0) k
          ON k.node_id = d.node_id AND k.sku = d.sku
      ),
      u AS (
        UPDATE inventory_positions p
        SET on_hand = p.on_hand + ch.delta, version = p.version + 1, updated_at = now()
        FROM ch WHERE p.node_id = ch.node_id AND p.sku = ch.sku AND (SELECT go FROM ok)
        RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version,
          coalesce(p.reorder_point IS NOT NULL
            AND greatest(p.on_hand - ch.delta - p.reserved - p.safety_stock, 0) >= p.reorder_point
            AND greatest(p.on_hand - p.reserved - p.safety_stock, 0) < p.reorder_point, false) AS crossed
      ),
      mvs AS (
        SELECT 1 AS step, row_no, node_id, sku, kind, quantity AS delta, reason, source, source_id, correlation_id,
          coalesce(as_of, now()) AS occurred_at
        FROM ap WHERE kind <> 'count'
        UNION ALL
        SELECT 2, row_no, node_id, sku, 'count-correction', correction, coalesce(reason, 'counted ' || quantity),
          source, source_id, correlation_id, as_of
        FROM cnt WHERE correction <> 0
      ),
      -- The set path's ledger order: per position deltas by row then the correction; a batch
      -- naming each position once lists all its deltas before its corrections.
      mv AS (
        INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source,
          source_id, correlation_id, occurred_at)
        SELECT node_id, sku, kind, delta, 0, reason, ${actor}, source, source_id,
          coalesce(correlation_id, ${correlationId}), occurred_at
        FROM mvs WHERE (SELECT go FROM ok)
        ORDER BY CASE WHEN ${once} THEN step ELSE 0 END, node_id COLLATE "C", sku COLLATE "C",
          step, row_no
      ),
      lcu AS (
        INSERT INTO inventory_last_counts AS lc (node_id, sku, counted_at, counted, source, source_id)
        SELECT node_id, sku, as_of, quantity, source, source_id FROM cnt WHERE (SELECT go FROM ok)
        ON CONFLICT (node_id, sku) DO UPDATE
        SET counted_at = excluded.counted_at, counted = excluded.counted, source = excluded.source,
            source_id = excluded.source_id
        WHERE excluded.counted_at > lc.counted_at
      ),
      am AS (
        SELECT source, node_id, sku, bool_or(marked) AS marked, max(sequence) AS last_sequence,
          max(as_of) AS last_as_of
        FROM ap GROUP BY source, node_id, sku
      ),
      mu AS (
        UPDATE inventory_feed_marks m
        SET last_sequence = greatest(m.last_sequence, am.last_sequence),
            last_as_of = greatest(m.last_as_of, am.last_as_of)
        FROM am WHERE am.marked AND m.source = am.source AND m.node_id = am.node_id AND m.sku = am.sku
          AND (m.last_sequence IS DISTINCT FROM greatest(m.last_sequence, am.last_sequence)
            OR m.last_as_of IS DISTINCT FROM greatest(m.last_as_of, am.last_as_of))
          AND (SELECT go FROM ok)
      ),
      mi AS (
        INSERT INTO inventory_feed_marks AS m (source, node_id, sku, last_sequence, last_as_of)
        SELECT source, node_id, sku, last_sequence, last_as_of FROM am WHERE NOT am.marked AND (SELECT go FROM ok)
        ORDER BY source COLLATE "C", node_id COLLATE "C", sku COLLATE "C"
        ON CONFLICT (source, node_id, sku) DO UPDATE
        SET last_sequence = greatest(m.last_sequence, excluded.last_sequence),
            last_as_of = greatest(m.last_as_of, excluded.last_as_of)
      ),
      -- Computed once: planned as a join input it would be re-aggregated for every position.
      ml AS MATERIALIZED (
        SELECT node_id, sku,
          jsonb_agg(jsonb_build_object('kind', kind, 'onHandDelta', delta, 'sourceId', source_id)
            ORDER BY step, row_no) AS list
        FROM mvs GROUP BY node_id, sku
      ),
      -- One inventory.adjusted per position changed and, after them, inventory.low-stock for those
      -- whose ATP crossed below the reorder point: the aggregate's sequence advances by both at once.
      ev AS (
        SELECT u.node_id, u.sku, u.node_id || '/' || u.sku AS aggregate_id, u.crossed,
          jsonb_build_object('nodeId', u.node_id, 'sku', u.sku, 'onHand', u.on_hand, 'reserved', u.reserved,
            'safetyStock', u.safety_stock, 'atp', greatest(u.on_hand - u.reserved - u.safety_stock, 0),
            'version', u.version, 'movements', coalesce(ml.list, '[]'::jsonb)) AS adjusted,
          jsonb_build_object('nodeId', u.node_id, 'sku', u.sku,
            'atp', greatest(u.on_hand - u.reserved - u.safety_stock, 0), 'reorderPoint', u.reorder_point,
            'onHand', u.on_hand, 'reserved', u.reserved, 'safetyStock', u.safety_stock,
            'version', u.version) AS low
        FROM u LEFT JOIN ml ON ml.node_id = u.node_id AND ml.sku = u.sku
      ),
      seq AS (
        INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
        SELECT 'inventory-position', aggregate_id, 1 + crossed::int FROM ev ORDER BY aggregate_id
        ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
        SET last_seq = event_sequences.last_seq + excluded.last_seq
        RETURNING aggregate_id, last_seq
      ),
      ins AS (
        INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
        SELECT gen_random_uuid(), x.type, 'inventory-position', x.aggregate_id, x.seq, x.payload, ${actor},
          ${correlationId}
        FROM (
          SELECT 1 AS step, 'inventory.adjusted' AS type, ev.aggregate_id, ev.node_id, ev.sku,
            (seq.last_seq - ev.crossed::int)::int AS seq, ev.adjusted AS payload
          FROM ev JOIN seq ON seq.aggregate_id = ev.aggregate_id
          UNION ALL
          SELECT 2, 'inventory.low-stock', ev.aggregate_id, ev.node_id, ev.sku, seq.last_seq::int, ev.low
          FROM ev JOIN seq ON seq.aggregate_id = ev.aggregate_id WHERE ev.crossed
        ) x
        ORDER BY x.step, CASE WHEN x.step = 1 THEN x.aggregate_id END, x.node_id, x.sku
        RETURNING 1
      ),
      nt AS (SELECT pg_notify(${EVENTS_CHANNEL}, '') FROM (SELECT 1 FROM ins LIMIT 1) z)
      SELECT
        (SELECT coalesce(jsonb_agg(jsonb_build_array(step, row_no, on_hand, result) ORDER BY step, row_no), '[]')
          FROM neg) AS negative,
        (SELECT array_agg(status ORDER BY row_no) FROM plan) AS statuses,
        (SELECT count(*) FROM u)::int AS positions,
        (SELECT count(*) FROM nt)::int AS notified`;
}
