import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

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
 * feed_plan: every staged row with its verdict (duplicate / stale / superseded / apply), in one
 * statement over the staging table and the marks, last counts and ledger source ids. Repeats
 * within the batch (a source id sent twice, several rows of one source and position, several
 * counts of one position) are found by hash aggregates, and only those rows go through the window
 * sorts: a nightly file with one row per position sorts nothing (three full sorts of a million
 * text keys cost ~15 s).
 */
export async function classifyFeed(trx: Db, analyze: boolean): Promise<void> {
  await sql`
    CREATE TEMP TABLE feed_plan ON COMMIT DROP AS
    WITH dup AS (
      SELECT source, source_id, min(row_no) AS first_row FROM feed_rows
      GROUP BY source, source_id HAVING count(*) > 1
    ),
    multi AS (
      SELECT f.row_no, max(f.sequence) OVER w AS prev_sequence, max(f.as_of) OVER w AS prev_as_of
      FROM feed_rows f
      JOIN (SELECT source, node_id, sku FROM feed_rows GROUP BY source, node_id, sku HAVING count(*) > 1) g
        ON g.source = f.source AND g.node_id = f.node_id AND g.sku = f.sku
      WINDOW w AS (PARTITION BY f.source, f.node_id, f.sku ORDER BY f.row_no
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ),
    counts AS (
      SELECT row_no, row_number() OVER (PARTITION BY node_id, sku ORDER BY as_of DESC, row_no DESC) AS count_rank
      FROM feed_rows WHERE kind = 'count'
    )
    SELECT f.row_no, f.kind, f.node_id, f.sku, f.quantity, f.source, f.source_id, f.sequence, f.as_of,
      f.reason, f.correlation_id,
      CASE
        WHEN f.row_no > d.first_row
          OR EXISTS (SELECT 1 FROM inventory_movements m WHERE m.source = f.source AND m.source_id = f.source_id)
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
    LEFT JOIN inventory_last_counts lc ON lc.node_id = f.node_id AND lc.sku = f.sku`.execute(trx);
  // Statistics, so the set-based applies below join by hash rather than probe row by row.
  if (analyze) await sql`ANALYZE feed_plan`.execute(trx);
}

/**
 * Advances the (source, node, sku) marks of the applied rows: existing marks with one UPDATE (a
 * hash join, heap-only on the marks' fill factor), new ones with one INSERT. The positions are
 * locked, so no other feed can add the same mark meanwhile; ON CONFLICT is only a safety net.
 */
export async function advanceFeedMarks(trx: Db): Promise<void> {
  await sql`
    WITH a AS (
      SELECT source, node_id, sku, max(sequence) AS last_sequence, max(as_of) AS last_as_of
      FROM feed_plan WHERE status = 'apply' GROUP BY source, node_id, sku
    ),
    u AS (
      UPDATE inventory_feed_marks m
      SET last_sequence = greatest(m.last_sequence, a.last_sequence),
          last_as_of = greatest(m.last_as_of, a.last_as_of)
      FROM a WHERE m.source = a.source AND m.node_id = a.node_id AND m.sku = a.sku
      RETURNING m.source, m.node_id, m.sku
    )
    INSERT INTO inventory_feed_marks AS m (source, node_id, sku, last_sequence, last_as_of)
    SELECT a.source, a.node_id, a.sku, a.last_sequence, a.last_as_of FROM a
    WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.source = a.source AND u.node_id = a.node_id AND u.sku = a.sku)
    ON CONFLICT (source, node_id, sku) DO UPDATE
    SET last_sequence = greatest(m.last_sequence, excluded.last_sequence),
        last_as_of = greatest(m.last_as_of, excluded.last_as_of)`.execute(trx);
}

/** Verdict counts, the first skipped rows, and the positions whose counters changed. */
export async function summariseFeed(trx: Db, feedId: string, rows: number): Promise<FeedReport> {
  const counts = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM feed_plan GROUP BY status
    UNION ALL SELECT 'positions', count(*)::int FROM (SELECT DISTINCT node_id, sku FROM feed_changed) c`.execute(
    trx,
  );
  const by = Object.fromEntries(counts.rows.map((r) => [r.status, r.n]));
  const skipped = await sql<{ row_no: number; status: SkipStatus; source_id: string }>`
    SELECT row_no, status, source_id FROM feed_plan WHERE status <> 'apply'
    ORDER BY row_no LIMIT ${SKIPPED_LISTED}`.execute(trx);
  return {
    feedId,
    rows,
    applied: by.apply ?? 0,
    duplicate: by.duplicate ?? 0,
    stale: by.stale ?? 0,
    superseded: by.superseded ?? 0,
    positions: by.positions ?? 0,
    skipped: skipped.rows.map((r) => ({ row: r.row_no, status: r.status, sourceId: r.source_id })),
  };
}
