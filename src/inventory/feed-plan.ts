import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { FeedOrder } from './feed-order.ts';

export type SkipStatus = 'duplicate' | 'stale' | 'superseded';

export interface FeedReport {
  feedId: string;
  rows: number;
  applied: number;
  duplicate: number;
  stale: number;
  superseded: number;
  /** Positions whose counters changed. */
  positions: number;
  /** The first skipped rows (at most 1,000), so a sender can see what was not applied and why. */
  skipped: { row: number; status: SkipStatus; sourceId: string }[];
}

const SKIPPED_LISTED = 1_000;

/**
 * Whether the ledger already holds a row's (source, source_id): one probe of the unique index per
 * row, so the cost follows the batch, not the ledger. As a plain EXISTS inside the CASE the
 * planner may pick a hashed subplan for a large batch, which reads the whole ledger (years of it)
 * into a hash table; the LIMIT keeps it a parameterized index probe. `source_id IS NOT NULL`
 * matches the partial index's predicate.
 */
export function ledgerProbe(row: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`SELECT true AS seen FROM inventory_movements m
    WHERE m.source = ${row}.source AND m.source_id = ${row}.source_id AND m.source_id IS NOT NULL LIMIT 1`;
}

/**
 * feed_plan: every staged row with its verdict (duplicate / stale / superseded / apply), in one
 * statement over the staging table and the marks, last counts and ledger source ids. Repeats
 * within the batch (a source id sent twice, several rows of one source and position, several
 * counts of one position) are found by hash aggregates, and only those rows go through the window
 * sorts: a nightly file with one row per position sorts nothing (three full sorts of a million
 * text keys cost ~15 s).
 */
export async function classifyFeed(trx: Db, analyze: boolean, shape: FeedOrder): Promise<void> {
  // Repeats of a position the batch cannot hold (known from the rows themselves) are not looked for.
  const none = sql`(SELECT NULL::integer AS row_no, NULL::bigint AS prev_sequence, NULL::timestamptz AS prev_as_of,
    NULL::bigint AS count_rank WHERE false)`;
  const dup = sql`(SELECT source, source_id, min(row_no) AS first_row FROM feed_rows
    GROUP BY source, source_id HAVING count(*) > 1)`;
  const multi = shape.positionRepeats
    ? sql`(SELECT f.row_no, max(f.sequence) OVER w AS prev_sequence, max(f.as_of) OVER w AS prev_as_of
      FROM feed_rows f
      JOIN (SELECT source, node_id, sku FROM feed_rows GROUP BY source, node_id, sku HAVING count(*) > 1) g
        ON g.source = f.source AND g.node_id = f.node_id AND g.sku = f.sku
      WINDOW w AS (PARTITION BY f.source, f.node_id, f.sku ORDER BY f.row_no
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))`
    : none;
  const counts = shape.positionRepeats
    ? sql`(SELECT row_no,
        row_number() OVER (PARTITION BY node_id, sku ORDER BY as_of DESC, row_no DESC) AS count_rank
      FROM feed_rows WHERE kind = 'count')`
    : none;
  await sql`
    CREATE TEMP TABLE feed_plan ON COMMIT DROP AS
    WITH dup AS ${dup}, multi AS ${multi}, counts AS ${counts}
    SELECT f.row_no, f.kind, f.node_id, f.sku, f.quantity, f.source, f.source_id, f.sequence, f.as_of,
      f.reason, f.correlation_id, mk.source IS NOT NULL AS marked,
      CASE
        WHEN f.row_no > d.first_row OR led.seen
          OR (lc.source = f.source AND lc.source_id = f.source_id) THEN 'duplicate'
        WHEN f.sequence <= greatest(mk.last_sequence, pr.prev_sequence) THEN 'stale'
        WHEN f.kind <> 'count' AND (f.as_of < greatest(mk.last_as_of, pr.prev_as_of) OR f.as_of < lc.counted_at)
          THEN 'stale'
        WHEN f.kind = 'count' AND f.as_of <= lc.counted_at THEN 'stale'
        WHEN c.count_rank > 1 THEN 'superseded'
        ELSE 'apply'
      END AS status
    FROM feed_rows f
    LEFT JOIN dup d ON d.source = f.source AND d.source_id = f.source_id
    LEFT JOIN multi pr ON pr.row_no = f.row_no
    LEFT JOIN counts c ON c.row_no = f.row_no
    LEFT JOIN inventory_feed_marks mk ON mk.source = f.source AND mk.node_id = f.node_id AND mk.sku = f.sku
    LEFT JOIN inventory_last_counts lc ON lc.node_id = f.node_id AND lc.sku = f.sku
    LEFT JOIN LATERAL (${ledgerProbe(sql`f`)}) led ON true`.execute(trx);
  // Statistics, so the set-based applies below join by hash rather than probe row by row.
  if (analyze) await sql`ANALYZE feed_plan`.execute(trx);
}

/**
 * Advances the (source, node, sku) marks of the applied rows. Classification already joined the
 * marks, so it is known which exist: those are updated (a hash join, heap-only on the marks' fill
 * factor) and only the others inserted, with no anti-join between the two. The positions are
 * locked, so no other feed can add the same mark meanwhile; ON CONFLICT is only a safety net.
 */
export async function advanceFeedMarks(trx: Db, once: boolean): Promise<void> {
  // With each position named once the applied rows are the marks' new values, in key order.
  const marks = once
    ? sql`
      SELECT source, node_id, sku, marked, sequence AS last_sequence, as_of AS last_as_of
      FROM feed_plan WHERE status = 'apply'`
    : sql`
      SELECT source, node_id, sku, bool_or(marked) AS marked, max(sequence) AS last_sequence,
        max(as_of) AS last_as_of
      FROM feed_plan WHERE status = 'apply' GROUP BY source, node_id, sku`;
  await sql`
    WITH a AS (${marks}),
    u AS (
      UPDATE inventory_feed_marks m
      SET last_sequence = greatest(m.last_sequence, a.last_sequence),
          last_as_of = greatest(m.last_as_of, a.last_as_of)
      FROM a WHERE a.marked AND m.source = a.source AND m.node_id = a.node_id AND m.sku = a.sku
        AND (m.last_sequence IS DISTINCT FROM greatest(m.last_sequence, a.last_sequence)
          OR m.last_as_of IS DISTINCT FROM greatest(m.last_as_of, a.last_as_of))
    )
    INSERT INTO inventory_feed_marks AS m (source, node_id, sku, last_sequence, last_as_of)
    SELECT source, node_id, sku, last_sequence, last_as_of FROM a WHERE NOT a.marked
    ORDER BY source COLLATE "C", node_id COLLATE "C", sku COLLATE "C"
    ON CONFLICT (source, node_id, sku) DO UPDATE
    SET last_sequence = greatest(m.last_sequence, excluded.last_sequence),
        last_as_of = greatest(m.last_as_of, excluded.last_as_of)`.execute(trx);
}

/** How many rows of each verdict, and of the applied ones how many deltas and counts. */
export interface FeedTally {
  apply: number;
  duplicate: number;
  stale: number;
  superseded: number;
  deltas: number;
  counts: number;
}

export async function tallyFeed(trx: Db): Promise<FeedTally> {
  const { rows } = await sql<{ status: string; is_count: boolean; n: number }>`
    SELECT status, kind = 'count' AS is_count, count(*)::int AS n FROM feed_plan GROUP BY 1, 2`.execute(trx);
  const t: FeedTally = { apply: 0, duplicate: 0, stale: 0, superseded: 0, deltas: 0, counts: 0 };
  for (const r of rows) {
    t[r.status as SkipStatus | 'apply'] += r.n;
    if (r.status === 'apply') t[r.is_count ? 'counts' : 'deltas'] += r.n;
  }
  return t;
}

/** The report: verdict counts, the first skipped rows, and the positions whose counters changed. */
export async function summariseFeed(
  trx: Db,
  feedId: string,
  rows: number,
  tally: FeedTally,
  positions: number,
): Promise<FeedReport> {
  const skipped =
    tally.duplicate + tally.stale + tally.superseded === 0
      ? { rows: [] }
      : await sql<{ row_no: number; status: SkipStatus; source_id: string }>`
    SELECT row_no, status, source_id FROM feed_plan WHERE status <> 'apply'
    ORDER BY row_no LIMIT ${SKIPPED_LISTED}`.execute(trx);
  return {
    feedId,
    rows,
    applied: tally.apply,
    duplicate: tally.duplicate,
    stale: tally.stale,
    superseded: tally.superseded,
    positions,
    skipped: skipped.rows.map((r) => ({ row: r.row_no, status: r.status, sourceId: r.source_id })),
  };
}
