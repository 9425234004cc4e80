import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { copyInto, copyText } from './copy-into.ts';
import { applyChanges, rejectedRows } from './feed-apply.ts';
import { applyFeedDirect, DIRECT_FEED_MAX_ROWS } from './feed-direct.ts';
import { appendAdjustedEvents } from './feed-events.ts';
import { type FeedOrder, orderFeed } from './feed-order.ts';
import { advanceFeedMarks, classifyFeed, type FeedReport, summariseFeed, tallyFeed } from './feed-plan.ts';
import { type FeedRow, feedPointer, MAX_PROBLEMS } from './feed-rows.ts';
import { inTransaction } from './in-transaction.ts';
import { appendLowStock } from './low-stock.ts';
import { INVENTORY_CHANNEL } from './migrations.ts';
import { type PositionRow, positionFromRow } from './position-counters.ts';
import { lockSafetyShared } from './safety-stock-service.ts';

export type { FeedReport, SkipStatus } from './feed-plan.ts';

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

/** Sorts, hashes and window functions over a large batch stay in memory (this transaction only). */
const FEED_WORK_MEM = '256MB';

function* copyChunks(rows: FeedRow[], order: Uint32Array): Generator<string> {
  let chunk = '';
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const r = rows[i]!;
    chunk += `${i}\t${r.kind}\t${copyText(r.nodeId)}\t${copyText(r.sku)}\t${r.quantity}\t${copyText(r.source)}\t${copyText(
      r.sourceId,
    )}\t${r.sequence ?? '\\N'}\t${r.asOf ? r.asOf.toISOString() : '\\N'}\t${copyText(r.reason)}\t${copyText(
      r.correlationId,
    )}\n`;
    if (chunk.length > 262_144) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Applies a batch of feed rows (deltas and counts) atomically. Small non-bulk batches take the
 * direct path (feed-direct.ts); the others are applied set-based: the rows are copied
 * into a temporary (unlogged) staging table, checked against nodes and items in one query,
 * classified (duplicate / stale / superseded / apply), and applied with a fixed number of
 * statements whatever the batch size. Deltas are applied before counts; a count at T corrects on
 * hand by `counted - (ledger on hand as of T)`, so movements after T (receipts, shipments,
 * reservations) survive it. Invalid rows, or a result that would leave on hand negative, reject
 * the whole batch.
 */
export async function applyFeed(db: Db, rows: FeedRow[], options: FeedOptions = {}): Promise<FeedReport> {
  // A till sale or a receipt skips the staging table: same results, a fraction of the statements.
  if (!options.bulk && rows.length <= DIRECT_FEED_MAX_ROWS) return applyFeedDirect(db, rows, options);
  return applyFeedStaged(db, rows, options);
}

/** The set path for any batch size (large feeds, and bulk imports of any size). */
export async function applyFeedStaged(
  db: Db,
  rows: FeedRow[],
  options: FeedOptions = {},
): Promise<FeedReport> {
  const feedId = randomUUID();
  const actor = options.actor ?? null;
  const correlationId = options.correlationId ?? feedId;
  const bulk = options.bulk ?? false;
  return inTransaction(db, async (trx) => {
    if (bulk) await sql`SET LOCAL ordergrid.bulk = 'on'`.execute(trx);
    // JIT compiling these one-off plans costs more than it saves (~0.8 s per statement).
    await sql`SELECT set_config('work_mem', ${FEED_WORK_MEM}, true), set_config('jit', 'off', true)`.execute(
      trx,
    );
    const shape = orderFeed(rows);
    // With each position named once, the staged rows are the batch's keys, already in key order.
    const keys = shape.positionRepeats ? sql`feed_keys` : sql`feed_rows`;
    await stage(trx, rows, shape);
    await lockSafetyShared(trx);
    await createAndLockPositions(trx, keys);
    await classifyFeed(trx, rows.length > 1_000, shape);
    await sql`
      CREATE TEMP TABLE feed_changed (
        step integer NOT NULL, node_id text NOT NULL, sku text NOT NULL, crossed boolean NOT NULL
      ) ON COMMIT DROP`.execute(trx);
    const tally = await tallyFeed(trx);
    const once = !shape.positionRepeats;
    const positions = tally.apply ? await applyChanges(trx, tally, actor, correlationId, bulk, once) : 0;
    if (tally.apply) await advanceFeedMarks(trx, once);
    const report = await summariseFeed(trx, feedId, rows.length, tally, positions);

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
    } else if (report.positions > 0) {
      await appendAdjustedEvents(trx, actor, correlationId);
    }
    await appendCrossings(trx, actor, correlationId);
    return report;
  });
}

/** COPY into the staging table, then one set check of nodes and items naming every bad row. */
async function stage(trx: Db, rows: FeedRow[], shape: FeedOrder): Promise<void> {
  await sql`
    CREATE TEMP TABLE feed_rows (
      row_no integer NOT NULL, kind text NOT NULL, node_id text NOT NULL, sku text NOT NULL,
      quantity integer NOT NULL, source text NOT NULL, source_id text NOT NULL, sequence bigint,
      as_of timestamptz, reason text, correlation_id text
    ) ON COMMIT DROP`.execute(trx);
  await copyInto(trx, 'COPY feed_rows FROM STDIN', copyChunks(rows, shape.order));
  if (rows.length > 1_000) await sql`ANALYZE feed_rows`.execute(trx);

  const unknown = await sql<{ row_no: number; no_node: boolean; no_sku: boolean }>`
    SELECT f.row_no, n.id IS NULL AS no_node, i.sku IS NULL AS no_sku
    FROM feed_rows f LEFT JOIN nodes n ON n.id = f.node_id LEFT JOIN items i ON i.sku = f.sku
    WHERE n.id IS NULL OR i.sku IS NULL ORDER BY f.row_no LIMIT ${MAX_PROBLEMS}`.execute(trx);
  if (unknown.rows.length) {
    throw rejectedRows(
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
  // The batch's positions, once each, for the joins below (the staged rows themselves when no
  // position repeats).
  if (!shape.positionRepeats) return;
  await sql`
    CREATE TEMP TABLE feed_keys ON COMMIT DROP AS SELECT DISTINCT node_id, sku FROM feed_rows`.execute(trx);
  if (rows.length > 1_000) await sql`ANALYZE feed_keys`.execute(trx);
}

/** Locks the batch's existing positions in (node_id, sku) order; returns how many, and the batch's keys. */
async function lockPositions(trx: Db, keys: RawBuilder<unknown>): Promise<{ locked: number; keys: number }> {
  const { rows } = await sql<{ locked: number; keys: number }>`
    WITH l AS (
      SELECT 1 FROM inventory_positions p JOIN ${keys} k ON k.node_id = p.node_id AND k.sku = p.sku
      ORDER BY p.node_id, p.sku FOR NO KEY UPDATE OF p
    ) SELECT (SELECT count(*) FROM l)::int AS locked, (SELECT count(*) FROM ${keys})::int AS keys`.execute(
    trx,
  );
  return rows[0]!;
}

/**
 * Every position of the batch is locked in (node_id, sku) order, so concurrent feeds and
 * reservations never deadlock and the marks, counts and ledger read below cannot change under us.
 * The existing ones are locked first: a nightly feed over known positions then needs no
 * anti-join at all. Missing ones are inserted empty with the effective safety stock (an anti-join,
 * not a conflict probe per row); rows this transaction inserts are its own until commit. Only if
 * another transaction created one of them meanwhile (the insert skipped it) is the set locked again.
 */
async function createAndLockPositions(trx: Db, batchKeys: RawBuilder<unknown>): Promise<void> {
  const { locked, keys } = await lockPositions(trx, batchKeys);
  if (locked === keys) return;
  // The nodes' kinds are read under FOR KEY SHARE: a concurrent kind change commits first and is
  // read here, or waits for this feed and recomputes its new positions (recomputeNodeSafetyStock).
  const inserted = await sql`
    WITH n AS (
      SELECT id, kind FROM nodes WHERE id IN (SELECT node_id FROM ${batchKeys}) ORDER BY id FOR KEY SHARE
    )
    INSERT INTO inventory_positions (node_id, sku, on_hand, reserved, safety_stock)
    SELECT k.node_id, k.sku, 0, 0, coalesce(ns.safety_stock, d.safety_stock, 0)
    FROM ${batchKeys} k
    JOIN n ON n.id = k.node_id
    LEFT JOIN node_safety_stock ns ON ns.node_id = k.node_id
    LEFT JOIN safety_stock_defaults d ON d.node_kind = n.kind
    WHERE NOT EXISTS (SELECT 1 FROM inventory_positions p WHERE p.node_id = k.node_id AND p.sku = k.sku)
    ORDER BY k.node_id, k.sku
    ON CONFLICT DO NOTHING`.execute(trx);
  if (locked + Number(inserted.numAffectedRows ?? 0) < keys) await lockPositions(trx, batchKeys);
}

/** `inventory.low-stock` for each position whose ATP crossed below its reorder point (rare: per row). */
async function appendCrossings(trx: Db, actor: string | null, correlationId: string): Promise<void> {
  const { rows } = await sql<PositionRow>`
    SELECT c.node_id, c.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version
    FROM feed_changed c JOIN inventory_positions p ON p.node_id = c.node_id AND p.sku = c.sku
    WHERE c.crossed ORDER BY c.step, c.node_id, c.sku`.execute(trx);
  for (const r of rows) await appendLowStock(trx, positionFromRow(r), actor, correlationId);
}
