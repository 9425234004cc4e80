import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { rejectedRows, rejectNegative } from './feed-apply.ts';
import { columns, directStatement } from './feed-direct-statement.ts';
import type { FeedReport, SkipStatus } from './feed-plan.ts';
import { type FeedRow, feedPointer, MAX_PROBLEMS } from './feed-rows.ts';
import type { FeedOptions } from './feed-service.ts';
import { inTransaction } from './in-transaction.ts';
import { SAFETY_LOCK } from './safety-stock-service.ts';

/**
 * Batches up to this many rows take the direct path. Measured (mixed deltas and counts, loaded
 * 2-core machine, median wall time): 1 row 11 ms direct / 29 ms staged, 100 rows 34 / 60, 500
 * rows 59 / 98, 1,000 rows 140 / 165, 2,000 rows 383 / 176 — past a thousand rows the staged
 * path's analyzed hash joins win over the direct statement's estimates.
 */
export const DIRECT_FEED_MAX_ROWS = 500;
const SKIPPED_LISTED = 1_000;

/** True when a batch has only one position per row (the set path's ledger order then differs). */
function positionsOnce(rows: FeedRow[]): boolean {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.nodeId}\t${r.sku}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/**
 * Applies a small batch with the same verdicts, ledger rows, marks, counters, events and
 * notifications as the set path (feed-service.ts), without a staging table: the rows travel as
 * arrays and one transaction runs two statements.
 *
 * The first checks nodes and items (a bad row rejects the batch before anything is locked), takes
 * the safety-stock lock shared, locks the batch's positions in (node_id, sku) order and creates
 * the missing ones. Only then does the second statement start: under READ COMMITTED it takes a
 * new snapshot, so it sees every feed that held these positions before us — one statement that
 * locked and classified at once would classify against a snapshot taken before its lock waits.
 *
 * The second classifies, checks on hand, and writes the positions, ledger, last counts, marks and
 * events, every write gated on "no row would leave on hand negative"; when some would, nothing is
 * written and the rows are named.
 */
export async function applyFeedDirect(
  db: Db,
  rows: FeedRow[],
  options: FeedOptions = {},
): Promise<FeedReport> {
  const feedId = randomUUID();
  const actor = options.actor ?? null;
  const correlationId = options.correlationId ?? feedId;
  const c = columns(rows);
  return inTransaction(db, async (trx) => {
    let locks = await lockPositions(trx, c.nodeId, c.sku);
    if (locks.bad.length) {
      throw rejectedRows(
        locks.bad.flatMap(([row, noNode, noSku]) => [
          ...(noNode
            ? [{ pointer: feedPointer(row, 'nodeId'), detail: 'no such node', in: 'body' as const }]
            : []),
          ...(noSku
            ? [{ pointer: feedPointer(row, 'sku'), detail: 'no such item', in: 'body' as const }]
            : []),
        ]),
      );
    }
    // Another transaction created one of the positions meanwhile (the insert skipped it): lock again.
    if (locks.locked + locks.inserted < locks.keys) locks = await lockPositions(trx, c.nodeId, c.sku);

    const { rows: out } = await directStatement(c, actor, correlationId, positionsOnce(rows)).execute(trx);
    const result = out[0]!;
    if (result.negative.length) {
      // As the set path: the deltas are checked first, the counts only when the deltas pass.
      const deltas = result.negative.filter((n) => n[0] === 1);
      const bad = (deltas.length ? deltas : result.negative).slice(0, MAX_PROBLEMS);
      rejectNegative(
        bad.map(([, row_no, on_hand, r]) => ({ row_no, on_hand, result: r })),
        deltas.length ? 'the changes to this position' : 'this count, with the movements recorded after it,',
      );
    }
    const report: FeedReport = {
      feedId,
      rows: rows.length,
      applied: 0,
      duplicate: 0,
      stale: 0,
      superseded: 0,
      positions: result.positions,
      skipped: [],
    };
    const statuses = result.statuses ?? [];
    for (let i = 0; i < statuses.length; i++) {
      const s = statuses[i] as SkipStatus | 'apply';
      if (s === 'apply') report.applied++;
      else {
        report[s]++;
        if (report.skipped.length < SKIPPED_LISTED)
          report.skipped.push({ row: i, status: s, sourceId: rows[i]!.sourceId });
      }
    }
    return report;
  });
}

/**
 * Names unknown nodes and items (and then locks nothing); otherwise takes the safety-stock lock
 * shared, locks the existing positions in key order and inserts the missing ones empty with their
 * effective safety stock, in key order, after the locks (the set path's order).
 */
async function lockPositions(
  trx: Db,
  nodeIds: string[],
  skus: string[],
): Promise<{ bad: [number, boolean, boolean][]; locked: number; inserted: number; keys: number }> {
  const { rows } = await sql<{
    bad: [number, boolean, boolean][];
    locked: number;
    inserted: number;
    keys: number;
  }>`
    WITH f AS (
      SELECT f.node_id, f.sku, (f.n - 1)::int AS row_no
      FROM unnest(${nodeIds}::text[], ${skus}::text[]) WITH ORDINALITY AS f(node_id, sku, n)
    ),
    bad AS (
      SELECT f.row_no, n.id IS NULL AS no_node, i.sku IS NULL AS no_sku
      FROM f LEFT JOIN nodes n ON n.id = f.node_id LEFT JOIN items i ON i.sku = f.sku
      WHERE n.id IS NULL OR i.sku IS NULL ORDER BY f.row_no LIMIT ${MAX_PROBLEMS}
    ),
    go AS (
      SELECT pg_advisory_xact_lock_shared(${SAFETY_LOCK}), set_config('jit', 'off', true)
      WHERE NOT EXISTS (SELECT 1 FROM bad)
    ),
    k AS (SELECT DISTINCT node_id, sku FROM f),
    l AS (
      SELECT 1 FROM inventory_positions p JOIN k ON k.node_id = p.node_id AND k.sku = p.sku
      WHERE EXISTS (SELECT 1 FROM go)
      ORDER BY p.node_id, p.sku FOR NO KEY UPDATE OF p
    ),
    n AS (
      SELECT id, kind FROM nodes
      WHERE id IN (SELECT node_id FROM k) AND (SELECT count(*) FROM l) < (SELECT count(*) FROM k)
      ORDER BY id FOR KEY SHARE
    ),
    ins AS (
      INSERT INTO inventory_positions (node_id, sku, on_hand, reserved, safety_stock)
      SELECT k.node_id, k.sku, 0, 0, coalesce(ns.safety_stock, d.safety_stock, 0)
      FROM k
      JOIN n ON n.id = k.node_id
      LEFT JOIN node_safety_stock ns ON ns.node_id = k.node_id
      LEFT JOIN safety_stock_defaults d ON d.node_kind = n.kind
      WHERE NOT EXISTS (SELECT 1 FROM inventory_positions p WHERE p.node_id = k.node_id AND p.sku = k.sku)
        AND EXISTS (SELECT 1 FROM go)
      ORDER BY k.node_id, k.sku
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT
      (SELECT coalesce(jsonb_agg(jsonb_build_array(row_no, no_node, no_sku) ORDER BY row_no), '[]') FROM bad) AS bad,
      (SELECT count(*) FROM l)::int AS locked,
      (SELECT count(*) FROM ins)::int AS inserted,
      (SELECT count(*) FROM k)::int AS keys`.execute(trx);
  return rows[0]!;
}
