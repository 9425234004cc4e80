import { type Static, Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { CsvValue, ExportPage } from '../platform/http/export-format.ts';

export const PositionRecord = Type.Object(
  {
    nodeId: Type.String(),
    sku: Type.String(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    safetyStock: Type.Integer(),
    atp: Type.Integer({ description: 'on hand - reserved - safety stock, at least 0' }),
    version: Type.Integer(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PositionRecord = Static<typeof PositionRecord>;

/** CSV: one row per position, in this order (documented in docs/erp-exports.md). */
export const POSITION_COLUMNS = [
  'node_id',
  'sku',
  'on_hand',
  'reserved',
  'safety_stock',
  'atp',
  'version',
  'updated_at',
] as const;

export function positionCsvRows(p: PositionRecord): CsvValue[][] {
  return [[p.nodeId, p.sku, p.onHand, p.reserved, p.safetyStock, p.atp, p.version, p.updatedAt]];
}

/**
 * A pass over the positions: those changed since snapshot `s` (all when null), walked in
 * (node, sku) order after `a`; `u` is the snapshot taken when the pass began, the `s` of the next.
 */
interface PassCursor {
  x: 'inventory-positions';
  s: string | null;
  u: string;
  a: [string, string] | null;
}

const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;
const isPass = (v: unknown): v is PassCursor => {
  const c = v as PassCursor;
  return (
    typeof v === 'object' &&
    v !== null &&
    c.x === 'inventory-positions' &&
    (c.s === null || (typeof c.s === 'string' && SNAPSHOT.test(c.s))) &&
    typeof c.u === 'string' &&
    SNAPSHOT.test(c.u) &&
    (c.a === null || (Array.isArray(c.a) && c.a.length === 2 && c.a.every((k) => typeof k === 'string')))
  );
};

/**
 * Positions changed since the cursor. Positions are updated in place by many writers (reservations,
 * feeds, shipments), so instead of an event position this export remembers a PostgreSQL snapshot
 * (`pg_current_snapshot()`) and returns the rows whose current version was written by a transaction
 * that snapshot did not see (`pg_visible_in_snapshot` of the row's xmin): committed after it, or
 * still running then. A transaction that commits late is therefore never skipped, and nothing is
 * added to the write path. A row may come twice (a change during a pass); keyed by node and sku,
 * the latest wins.
 */
export async function exportPositions(
  db: Db,
  query: { cursor?: string; limit: number },
): Promise<ExportPage<PositionRecord>> {
  const cursor = decodeCursor(query.cursor, isPass);
  const since = cursor?.s ?? null;
  const { rows: now } = await sql<{ snap: string; ok: boolean }>`
    SELECT pg_current_snapshot()::text AS snap,
           ${since}::pg_snapshot IS NULL
             OR pg_snapshot_xmax(${since}::pg_snapshot) <= pg_snapshot_xmax(pg_current_snapshot()) AS ok`.execute(
    db,
  );
  if (!now[0]?.ok) {
    // A snapshot from the future: the database was restored or replaced. Start over with a full pass.
    throw new AppError('invalid-cursor', 'The cursor was issued by another database; start a full export', {
      errors: [{ pointer: '/cursor', detail: 'issued by another database', in: 'query' }],
    });
  }
  // A pass starts (no cursor, or the previous pass ended) with a fresh snapshot.
  const after = cursor?.a ?? null;
  const until = after !== null && cursor ? cursor.u : now[0].snap;
  // xmin is 32 bits; widen it to the 64-bit id next to the current one to test it against a snapshot
  // (ids 0-2 are frozen/bootstrap rows: always old).
  const { rows } = await sql<{
    node_id: string;
    sku: string;
    on_hand: number;
    reserved: number;
    safety_stock: number;
    version: number;
    updated_at: Date;
  }>`
    WITH cur AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS nx)
    SELECT p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.version, p.updated_at
    FROM inventory_positions p, cur
    WHERE (${after === null} OR (p.node_id, p.sku) > (${after?.[0] ?? ''}, ${after?.[1] ?? ''}))
      AND (${since}::pg_snapshot IS NULL OR (
        p.xmin::text::bigint > 2 AND NOT pg_visible_in_snapshot(
          (cur.nx - ((cur.nx - p.xmin::text::bigint) & 4294967295))::text::xid8, ${since}::pg_snapshot)))
    ORDER BY p.node_id, p.sku
    LIMIT ${query.limit + 1}`.execute(db);
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  const next: PassCursor =
    hasMore && last
      ? { x: 'inventory-positions', s: since, u: until, a: [last.node_id, last.sku] }
      : { x: 'inventory-positions', s: until, u: until, a: null };
  return {
    items: page.map((p) => ({
      nodeId: p.node_id,
      sku: p.sku,
      onHand: p.on_hand,
      reserved: p.reserved,
      safetyStock: p.safety_stock,
      atp: Math.max(0, p.on_hand - p.reserved - p.safety_stock),
      version: Number(p.version),
      updatedAt: p.updated_at.toISOString(),
    })),
    nextCursor: encodeCursor(next),
    hasMore,
  };
}
