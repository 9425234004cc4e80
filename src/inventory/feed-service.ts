import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, type FieldProblem } from '../platform/errors/app-error.ts';
import { copyInto, copyText } from './copy-into.ts';
import { type FeedRow, feedPointer, MAX_PROBLEMS } from './feed-rows.ts';
import { inTransaction } from './in-transaction.ts';
import { appendLowStock, positionAggregateId } from './low-stock.ts';
import { INVENTORY_CHANNEL } from './migrations.ts';
import { atpOf, type PositionCounters, positionFromRow } from './position-counters.ts';
import { lockSafetyShared } from './safety-stock-service.ts';

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

export interface FeedOptions {
  actor?: string | null;
  correlationId?: string | null;
  /**
   * Bulk: per-row position notifications are suppressed and one '*' (reload) is sent instead, and
   * one `inventory.feed-imported` event stands for the batch. Otherwise one `inventory.adjusted`
   * event per position changed.
   */
  bulk?: boolean;
}

const SKIPPED_LISTED = 1_000;

function* copyChunks(rows: FeedRow[]): Generator<string> {
  let chunk = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    chunk += `${i}\t${r.kind}\t${copyText(r.nodeId)}\t${copyText(r.sku)}\t${r.quantity}\t${copyText(r.source)}\t${copyText(
      r.sourceId,
    )}\t${r.sequence ?? '\\N'}\t${r.asOf ? r.asOf.toISOString() : '\\N'}\t${copyText(r.reason)}\t${copyText(
      r.correlationId,
    )}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function rejected(problems: FieldProblem[]): AppError {
  const first = problems[0];
  return new AppError(
    'invalid-feed-row',
    `${problems.length}${problems.length >= MAX_PROBLEMS ? '+' : ''} rows are not valid${first ? `; first: ${first.pointer} ${first.detail}` : ''}; nothing was applied`,
    { errors: problems },
  );
}

interface ChangedRow {
  node_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  reorder_point: number | null;
  version: number;
  delta: number;
}

/** Rows returned by a counter update: all of them, or only low-stock crossings in bulk. */
function crossingOrAll(all: boolean) {
  return sql`WHERE ${all} OR (u.reorder_point IS NOT NULL
    AND greatest(u.on_hand - u.delta - u.reserved - u.safety_stock, 0) >= u.reorder_point
    AND greatest(u.on_hand - u.reserved - u.safety_stock, 0) < u.reorder_point)`;
}

/**
 * Applies a batch of feed rows (deltas and counts) atomically and set-based: the rows are copied
 * into a staging table, checked against nodes and items, classified (duplicate / stale /
 * superseded / apply), and applied with a handful of statements whatever the batch size. Deltas
 * are applied before counts; a count at T corrects on hand by `counted - (ledger on hand as of T)`,
 * so movements after T (receipts, shipments, reservations) survive it. Invalid rows, or a result
 * that would leave on hand negative, reject the whole batch.
 */
export async function applyFeed(db: Db, rows: FeedRow[], options: FeedOptions = {}): Promise<FeedReport> {
  const feedId = randomUUID();
  const actor = options.actor ?? null;
  const correlationId = options.correlationId ?? feedId;
  const bulk = options.bulk ?? false;
  return inTransaction(db, async (trx) => {
    if (bulk) await sql`SET LOCAL ordergrid.bulk = 'on'`.execute(trx);
    await sql`
      CREATE TEMP TABLE feed_rows (
        row_no integer NOT NULL, kind text NOT NULL, node_id text NOT NULL, sku text NOT NULL,
        quantity integer NOT NULL, source text NOT NULL, source_id text NOT NULL, sequence bigint,
        as_of timestamptz, reason text, correlation_id text
      ) ON COMMIT DROP`.execute(trx);
    await copyInto(trx, 'COPY feed_rows FROM STDIN', copyChunks(rows));
    if (rows.length > 1_000) await sql`ANALYZE feed_rows`.execute(trx);

    const unknown = await sql<{ row_no: number; no_node: boolean; no_sku: boolean }>`
      SELECT f.row_no, n.id IS NULL AS no_node, i.sku IS NULL AS no_sku
      FROM feed_rows f LEFT JOIN nodes n ON n.id = f.node_id LEFT JOIN items i ON i.sku = f.sku
      WHERE n.id IS NULL OR i.sku IS NULL ORDER BY f.row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
    if (unknown.rows.length) {
      throw rejected(
        unknown.rows.flatMap((r) => [
          ...(r.no_node
            ? [{ pointer: feedPointer(r.row_no, 'nodeId'), detail: 'no such node', in: 'body' as const }]
            : []),
          ...(r.no_sku
            ? [{ pointer: feedPointer(r.row_no, 'sku'), detail: 'no such item', in: 'body' as const }]
            : []),
        ]),
      );
    }

    await lockSafetyShared(trx);
    // New positions start empty with the effective safety stock; then every position of the batch
    // is locked in (node_id, sku) order, so concurrent feeds and reservations never deadlock and
    // the marks, counts and ledger read below cannot change under us.
    await sql`
      INSERT INTO inventory_positions (node_id, sku, on_hand, reserved, safety_stock)
      SELECT k.node_id, k.sku, 0, 0, coalesce(ns.safety_stock, d.safety_stock, 0)
      FROM (SELECT DISTINCT node_id, sku FROM feed_rows) k
      JOIN nodes n ON n.id = k.node_id
      LEFT JOIN node_safety_stock ns ON ns.node_id = k.node_id
      LEFT JOIN safety_stock_defaults d ON d.node_kind = n.kind
      ORDER BY k.node_id, k.sku
      ON CONFLICT DO NOTHING`.execute(trx);
    await sql`
      WITH l AS (
        SELECT 1 FROM inventory_positions p JOIN (SELECT DISTINCT node_id, sku FROM feed_rows) k
          ON k.node_id = p.node_id AND k.sku = p.sku
        ORDER BY p.node_id, p.sku FOR NO KEY UPDATE OF p
      ) SELECT count(*) FROM l`.execute(trx);

    await classify(trx);
    const changed = new Map<string, PositionCounters>();
    const crossings: PositionCounters[] = [];
    const collect = (list: ChangedRow[]) => {
      for (const r of list) {
        const p = positionFromRow(r);
        if (!bulk) changed.set(positionAggregateId(p.nodeId, p.sku), p);
        const before = { onHand: r.on_hand - r.delta, reserved: r.reserved, safetyStock: r.safety_stock };
        if (p.reorderPoint !== null && atpOf(before) >= p.reorderPoint && atpOf(p) < p.reorderPoint)
          crossings.push(p);
      }
    };

    collect(await applyDeltas(trx, !bulk, actor, correlationId));
    collect(await applyCounts(trx, !bulk, actor, correlationId));

    await sql`
      INSERT INTO inventory_feed_marks AS m (source, node_id, sku, last_sequence, last_as_of)
      SELECT source, node_id, sku, max(sequence), max(as_of) FROM feed_plan WHERE status = 'apply'
      GROUP BY source, node_id, sku
      ON CONFLICT (source, node_id, sku) DO UPDATE
      SET last_sequence = greatest(m.last_sequence, excluded.last_sequence),
          last_as_of = greatest(m.last_as_of, excluded.last_as_of)`.execute(trx);

    const report = await summarise(trx, feedId, rows.length);
    const positionCount = bulk
      ? Number(
          (
            await sql<{ n: number }>`
              SELECT count(*)::int AS n FROM (
                SELECT DISTINCT node_id, sku FROM feed_plan WHERE status = 'apply' AND kind <> 'count'
                UNION SELECT node_id, sku FROM feed_counts WHERE correction <> 0) x`.execute(trx)
          ).rows[0]?.n ?? 0,
        )
      : changed.size;
    report.positions = positionCount;

    if (bulk) {
      const { skipped: _skipped, ...summary } = report;
      await appendEvent(trx, {
        type: 'inventory.feed-imported',
        aggregateType: 'inventory-feed',
        aggregateId: feedId,
        payload: summary,
        actor,
        correlationId,
      });
      await sql`SELECT pg_notify(${INVENTORY_CHANNEL}, '*')`.execute(trx);
    } else if (changed.size) {
      await appendAdjusted(trx, changed, actor, correlationId);
    }
    for (const p of crossings) await appendLowStock(trx, p, actor, correlationId);
    return report;
  });
}

/** feed_plan: every staged row with its verdict. */
async function classify(trx: Db): Promise<void> {
  await sql`
    CREATE TEMP TABLE feed_plan ON COMMIT DROP AS
    WITH f AS (
      SELECT f.*,
        row_number() OVER (PARTITION BY f.source, f.source_id ORDER BY f.row_no) AS dup_rank,
        max(f.sequence) OVER w AS prev_sequence,
        max(f.as_of) OVER w AS prev_as_of,
        CASE WHEN f.kind = 'count'
          THEN row_number() OVER (PARTITION BY f.node_id, f.sku, f.kind = 'count' ORDER BY f.as_of DESC, f.row_no DESC)
        END AS count_rank
      FROM feed_rows f
      WINDOW w AS (PARTITION BY f.source, f.node_id, f.sku ORDER BY f.row_no
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    )
    SELECT f.row_no, f.kind, f.node_id, f.sku, f.quantity, f.source, f.source_id, f.sequence, f.as_of,
      f.reason, f.correlation_id,
      CASE
        WHEN f.dup_rank > 1
          OR EXISTS (SELECT 1 FROM inventory_movements m WHERE m.source = f.source AND m.source_id = f.source_id)
          OR (lc.source = f.source AND lc.source_id = f.source_id) THEN 'duplicate'
        WHEN f.sequence <= greatest(mk.last_sequence, f.prev_sequence) THEN 'stale'
        WHEN f.kind <> 'count' AND (f.as_of < greatest(mk.last_as_of, f.prev_as_of) OR f.as_of < lc.counted_at)
          THEN 'stale'
        WHEN f.kind = 'count' AND f.as_of <= lc.counted_at THEN 'stale'
        WHEN f.count_rank > 1 THEN 'superseded'
        ELSE 'apply'
      END AS status
    FROM f
    LEFT JOIN inventory_feed_marks mk ON mk.source = f.source AND mk.node_id = f.node_id AND mk.sku = f.sku
    LEFT JOIN inventory_last_counts lc ON lc.node_id = f.node_id AND lc.sku = f.sku`.execute(trx);
}

function rejectNegative(bad: { row_no: number; on_hand: number; result: number }[], what: string): void {
  if (bad.length === 0) return;
  throw rejected(
    bad.map((b) => ({
      pointer: feedPointer(b.row_no, 'quantity'),
      detail: `${what} would leave on hand at ${b.result} (it is ${b.on_hand}); on hand cannot go below zero`,
      in: 'body' as const,
    })),
  );
}

async function applyDeltas(
  trx: Db,
  all: boolean,
  actor: string | null,
  correlationId: string,
): Promise<ChangedRow[]> {
  const negative = await sql<{ row_no: number; on_hand: number; result: number }>`
    WITH d AS (
      SELECT node_id, sku, sum(quantity) AS delta, max(row_no) AS row_no
      FROM feed_plan WHERE status = 'apply' AND kind <> 'count' GROUP BY node_id, sku
    )
    SELECT d.row_no, p.on_hand, (p.on_hand + d.delta)::int AS result
    FROM d JOIN inventory_positions p ON p.node_id = d.node_id AND p.sku = d.sku
    WHERE p.on_hand + d.delta < 0 ORDER BY d.row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
  rejectNegative(negative.rows, 'the changes to this position');
  const changed = await sql<ChangedRow>`
    WITH d AS (
      SELECT node_id, sku, sum(quantity)::int AS delta
      FROM feed_plan WHERE status = 'apply' AND kind <> 'count' GROUP BY node_id, sku
    ),
    u AS (
      UPDATE inventory_positions p
      SET on_hand = p.on_hand + d.delta, version = p.version + 1, updated_at = now()
      FROM d WHERE p.node_id = d.node_id AND p.sku = d.sku AND d.delta <> 0
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version, d.delta
    )
    SELECT * FROM u ${crossingOrAll(all)}`.execute(trx);
  await sql`
    INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source,
      source_id, correlation_id, occurred_at)
    SELECT node_id, sku, kind, quantity, 0, reason, ${actor}, source, source_id,
      coalesce(correlation_id, ${correlationId}), coalesce(as_of, now())
    FROM feed_plan WHERE status = 'apply' AND kind <> 'count' ORDER BY row_no`.execute(trx);
  return changed.rows;
}

async function applyCounts(
  trx: Db,
  all: boolean,
  actor: string | null,
  correlationId: string,
): Promise<ChangedRow[]> {
  // Ledger on hand as of T = current on hand minus the movements after T (deltas of this batch
  // included: they were applied first).
  await sql`
    CREATE TEMP TABLE feed_counts ON COMMIT DROP AS
    SELECT c.row_no, c.node_id, c.sku, c.quantity, c.as_of, c.source, c.source_id, c.reason, c.correlation_id,
      p.on_hand, (c.quantity - (p.on_hand - coalesce(a.moved, 0)))::int AS correction
    FROM feed_plan c
    JOIN inventory_positions p ON p.node_id = c.node_id AND p.sku = c.sku
    LEFT JOIN LATERAL (
      SELECT sum(m.on_hand_delta) AS moved FROM inventory_movements m
      WHERE m.node_id = c.node_id AND m.sku = c.sku AND m.occurred_at > c.as_of
    ) a ON true
    WHERE c.status = 'apply' AND c.kind = 'count'`.execute(trx);
  const negative = await sql<{ row_no: number; on_hand: number; result: number }>`
    SELECT row_no, on_hand, on_hand + correction AS result FROM feed_counts
    WHERE on_hand + correction < 0 ORDER BY row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
  rejectNegative(negative.rows, 'this count, with the movements recorded after it,');
  const changed = await sql<ChangedRow>`
    WITH u AS (
      UPDATE inventory_positions p
      SET on_hand = p.on_hand + c.correction, version = p.version + 1, updated_at = now()
      FROM feed_counts c WHERE p.node_id = c.node_id AND p.sku = c.sku AND c.correction <> 0
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version,
        c.correction AS delta
    )
    SELECT * FROM u ${crossingOrAll(all)}`.execute(trx);
  await sql`
    INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source,
      source_id, correlation_id, occurred_at)
    SELECT node_id, sku, 'count-correction', correction, 0, coalesce(reason, 'counted ' || quantity), ${actor},
      source, source_id, coalesce(correlation_id, ${correlationId}), as_of
    FROM feed_counts WHERE correction <> 0 ORDER BY row_no`.execute(trx);
  await sql`
    INSERT INTO inventory_last_counts AS lc (node_id, sku, counted_at, counted, source, source_id)
    SELECT node_id, sku, as_of, quantity, source, source_id FROM feed_counts
    ON CONFLICT (node_id, sku) DO UPDATE
    SET counted_at = excluded.counted_at, counted = excluded.counted, source = excluded.source,
        source_id = excluded.source_id
    WHERE excluded.counted_at > lc.counted_at`.execute(trx);
  return changed.rows;
}

async function summarise(trx: Db, feedId: string, rows: number): Promise<FeedReport> {
  const counts = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM feed_plan GROUP BY status`.execute(trx);
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
    positions: 0,
    skipped: skipped.rows.map((r) => ({ row: r.row_no, status: r.status, sourceId: r.source_id })),
  };
}

/** One `inventory.adjusted` per position changed, with its counters after and this request's movements. */
async function appendAdjusted(
  trx: Db,
  changed: Map<string, PositionCounters>,
  actor: string | null,
  correlationId: string,
): Promise<void> {
  const moves = await sql<{ node_id: string; sku: string; kind: string; delta: number; source_id: string }>`
    SELECT node_id, sku, kind, quantity AS delta, source_id FROM feed_plan
    WHERE status = 'apply' AND kind <> 'count'
    UNION ALL
    SELECT node_id, sku, 'count-correction', correction, source_id FROM feed_counts WHERE correction <> 0`.execute(
    trx,
  );
  const byPosition = new Map<string, { kind: string; onHandDelta: number; sourceId: string }[]>();
  for (const m of moves.rows) {
    const key = positionAggregateId(m.node_id, m.sku);
    byPosition.set(key, [
      ...(byPosition.get(key) ?? []),
      { kind: m.kind, onHandDelta: m.delta, sourceId: m.source_id },
    ]);
  }
  for (const [key, p] of [...changed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await appendEvent(trx, {
      type: 'inventory.adjusted',
      aggregateType: 'inventory-position',
      aggregateId: key,
      payload: {
        nodeId: p.nodeId,
        sku: p.sku,
        onHand: p.onHand,
        reserved: p.reserved,
        safetyStock: p.safetyStock,
        atp: atpOf(p),
        version: p.version,
        movements: byPosition.get(key) ?? [],
      },
      actor,
      correlationId,
    });
  }
}
