import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { feedPointer, MAX_PROBLEMS } from './feed-rows.ts';

/** What the classified batch holds, so statements with nothing to do are skipped. */
export interface FeedShape {
  deltas: number;
  counts: number;
}

export function rejectedRows(problems: { pointer: string; detail: string; in: 'body' }[]): AppError {
  const first = problems[0];
  return new AppError(
    'invalid-feed-row',
    `${problems.length}${problems.length >= MAX_PROBLEMS ? '+' : ''} rows are not valid${first ? `; first: ${first.pointer} ${first.detail}` : ''}; nothing was applied`,
    { errors: problems },
  );
}

export function rejectNegative(
  bad: { row_no: number; on_hand: number; result: number }[],
  what: string,
): void {
  if (bad.length === 0) return;
  throw rejectedRows(
    bad.map((b) => ({
      pointer: feedPointer(b.row_no, 'quantity'),
      detail: `${what} would leave on hand at ${b.result} (it is ${b.on_hand}); on hand cannot go below zero`,
      in: 'body' as const,
    })),
  );
}

/**
 * Applies the classified batch (feed_plan) with one UPDATE of the positions and one INSERT of the
 * ledger, whatever mix of deltas and counts it holds.
 *
 * Each position's final change is worked out before anything is written: the sum of its applied
 * deltas, plus for a count at T `counted − (ledger on hand as of T)`, where the ledger as of T is
 * on hand after the batch's deltas minus every movement dated after T (recorded ones and the
 * batch's own deltas). That is what applying the deltas first and then the counts gives, so the
 * result still does not depend on the rows' order — with one write per position instead of two.
 *
 * feed_changed gets the positions changed (all of them for per-position events, only those that
 * crossed below their reorder point for a bulk import). Returns how many positions changed.
 */
export async function applyChanges(
  trx: Db,
  shape: FeedShape,
  actor: string | null,
  correlationId: string,
  bulk: boolean,
  once: boolean,
): Promise<number> {
  const large = shape.deltas + shape.counts > 1_000;
  // One row per position with deltas, in the positions' key order (how a first load lays the
  // positions out, so the update walks the table rather than jumping about it). With each
  // position named once, the applied rows themselves, already in that order.
  if (once) {
    await sql`
      CREATE TEMP VIEW feed_deltas AS
      SELECT node_id, sku, quantity AS delta, row_no FROM feed_plan WHERE status = 'apply' AND kind <> 'count'`.execute(
      trx,
    );
  } else {
    await sql`
      CREATE TEMP TABLE feed_deltas ON COMMIT DROP AS
      SELECT node_id, sku, sum(quantity)::int AS delta, max(row_no) AS row_no
      FROM feed_plan WHERE status = 'apply' AND kind <> 'count' GROUP BY node_id, sku
      ORDER BY node_id COLLATE "C", sku COLLATE "C"`.execute(trx);
    if (large && shape.deltas) await sql`ANALYZE feed_deltas`.execute(trx);
  }
  if (shape.deltas) {
    const negative = await sql<{ row_no: number; on_hand: number; result: number }>`
      SELECT d.row_no, p.on_hand, (p.on_hand + d.delta)::int AS result
      FROM feed_deltas d JOIN inventory_positions p ON p.node_id = d.node_id AND p.sku = d.sku
      WHERE p.on_hand + d.delta < 0 ORDER BY d.row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
    rejectNegative(negative.rows, 'the changes to this position');
  }
  await createCounts(trx, shape);
  if (large && shape.counts) await sql`ANALYZE feed_counts`.execute(trx);
  if (shape.counts) {
    const negative = await sql<{ row_no: number; on_hand: number; result: number }>`
      SELECT row_no, on_hand, on_hand + correction AS result FROM feed_counts
      WHERE on_hand + correction < 0 ORDER BY row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
    rejectNegative(negative.rows, 'this count, with the movements recorded after it,');
  }

  // A position changes when its deltas add up to a change or its count corrects it (deltas and
  // a correction that cancel out still change it: both are in the ledger and its event).
  const changes: RawBuilder<unknown> =
    shape.deltas && shape.counts
      ? sql`
        SELECT coalesce(d.node_id, c.node_id) AS node_id, coalesce(d.sku, c.sku) AS sku,
          coalesce(d.delta, 0) + coalesce(c.correction, 0) AS delta
        FROM (SELECT node_id, sku, delta FROM feed_deltas WHERE delta <> 0) d
        FULL JOIN (SELECT node_id, sku, correction FROM feed_counts WHERE correction <> 0) c
          ON c.node_id = d.node_id AND c.sku = d.sku`
      : shape.deltas
        ? sql`SELECT node_id, sku, delta FROM feed_deltas WHERE delta <> 0`
        : sql`SELECT node_id, sku, correction AS delta FROM feed_counts WHERE correction <> 0`;
  const { rows } = await sql<{ n: number }>`
    WITH d AS (${changes}),
    u AS (
      UPDATE inventory_positions p
      SET on_hand = p.on_hand + d.delta, version = p.version + 1, updated_at = now()
      FROM d WHERE p.node_id = d.node_id AND p.sku = d.sku
      RETURNING p.node_id, p.sku, coalesce(p.reorder_point IS NOT NULL
        AND greatest(p.on_hand - d.delta - p.reserved - p.safety_stock, 0) >= p.reorder_point
        AND greatest(p.on_hand - p.reserved - p.safety_stock, 0) < p.reorder_point, false) AS crossed
    ),
    c AS (
      INSERT INTO feed_changed (step, node_id, sku, crossed)
      SELECT 1, node_id, sku, crossed FROM u WHERE crossed OR NOT ${bulk}
    )
    SELECT count(*)::int AS n FROM u`.execute(trx);

  // The ledger in one INSERT, in position order (the ledger's position indexes are then filled
  // page after page); per position the deltas in row order, then the count's correction. With
  // each position named once, feed_plan is already in that order (staged so) and is not sorted.
  await sql`
    INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source,
      source_id, correlation_id, occurred_at)
    SELECT node_id, sku, kind, delta, 0, reason, ${actor}, source, source_id,
      coalesce(correlation_id, ${correlationId}), occurred_at
    FROM (
      SELECT 1 AS step, row_no, node_id, sku, kind, quantity AS delta, reason, source, source_id, correlation_id,
        coalesce(as_of, now()) AS occurred_at
      FROM feed_plan WHERE status = 'apply' AND kind <> 'count'
      UNION ALL
      SELECT 2, row_no, node_id, sku, 'count-correction', correction, coalesce(reason, 'counted ' || quantity),
        source, source_id, correlation_id, as_of
      FROM feed_counts WHERE correction <> 0
    ) m
    ${once ? sql`` : sql`ORDER BY node_id COLLATE "C", sku COLLATE "C", step, row_no`}`.execute(trx);
  // A view outlives the transaction (ON COMMIT DROP is for tables): dropped with the batch.
  if (once) await sql`DROP VIEW feed_deltas`.execute(trx);
  if (shape.counts) {
    await sql`
      INSERT INTO inventory_last_counts AS lc (node_id, sku, counted_at, counted, source, source_id)
      SELECT node_id, sku, as_of, quantity, source, source_id FROM feed_counts
      ON CONFLICT (node_id, sku) DO UPDATE
      SET counted_at = excluded.counted_at, counted = excluded.counted, source = excluded.source,
          source_id = excluded.source_id
      WHERE excluded.counted_at > lc.counted_at`.execute(trx);
  }
  return rows[0]?.n ?? 0;
}

/**
 * feed_counts: each applied count with its correction and on hand after the batch's deltas.
 * Movements after T are the ledger's (one index range per count) plus the batch's own deltas
 * dated after T (at most one count of a position applies, so a join by position finds them).
 */
async function createCounts(trx: Db, shape: FeedShape): Promise<void> {
  const batchAfter = shape.deltas
    ? sql`
      SELECT x.node_id, x.sku, sum(x.quantity) AS moved
      FROM feed_plan x JOIN feed_plan c ON c.node_id = x.node_id AND c.sku = x.sku
        AND c.status = 'apply' AND c.kind = 'count'
      WHERE x.status = 'apply' AND x.kind <> 'count' AND coalesce(x.as_of, now()) > c.as_of
      GROUP BY x.node_id, x.sku`
    : sql`SELECT NULL::text AS node_id, NULL::text AS sku, NULL::bigint AS moved WHERE false`;
  const deltas = shape.deltas
    ? sql`SELECT node_id, sku, delta FROM feed_deltas`
    : sql`SELECT NULL::text AS node_id, NULL::text AS sku, NULL::int AS delta WHERE false`;
  await sql`
    CREATE TEMP TABLE feed_counts ON COMMIT DROP AS
    WITH d AS (${deltas}), b AS (${batchAfter})
    SELECT c.row_no, c.node_id, c.sku, c.quantity, c.as_of, c.source, c.source_id, c.reason, c.correlation_id,
      (p.on_hand + coalesce(d.delta, 0))::int AS on_hand,
      (c.quantity - (p.on_hand + coalesce(d.delta, 0) - coalesce(a.moved, 0) - coalesce(b.moved, 0)))::int
        AS correction
    FROM feed_plan c
    JOIN inventory_positions p ON p.node_id = c.node_id AND p.sku = c.sku
    LEFT JOIN d ON d.node_id = c.node_id AND d.sku = c.sku
    LEFT JOIN b ON b.node_id = c.node_id AND b.sku = c.sku
    LEFT JOIN LATERAL (
      SELECT sum(m.on_hand_delta) AS moved FROM inventory_movements m
      WHERE m.node_id = c.node_id AND m.sku = c.sku AND m.occurred_at > c.as_of
    ) a ON true
    WHERE c.status = 'apply' AND c.kind = 'count'
    ${shape.counts ? sql`` : sql`AND false`}`.execute(trx);
}
