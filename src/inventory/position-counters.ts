import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

/** A position's counters as stored; ATP is derived. */
export interface PositionCounters {
  nodeId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  reorderPoint: number | null;
  version: number;
}

/** Available to promise: never shown below zero. */
export function atpOf(p: { onHand: number; reserved: number; safetyStock: number }): number {
  return Math.max(0, p.onHand - p.reserved - p.safetyStock);
}

/** A change to apply to one position's counters. */
export interface CounterDelta {
  nodeId: string;
  sku: string;
  onHand: number;
  reserved: number;
}

export interface CounterFailure {
  nodeId: string;
  sku: string;
  /** False when the position does not exist. */
  found: boolean;
  onHand: number;
  reserved: number;
  available: number;
}

export type ApplyDeltasResult =
  | { ok: true; positions: PositionCounters[] }
  | { ok: false; failures: CounterFailure[] };

interface CounterRow {
  part: 'u' | 'c';
  node_id: string;
  sku: string;
  on_hand: number | null;
  reserved: number | null;
  safety_stock: number | null;
  reorder_point: number | null;
  version: number | null;
  ok: boolean | null;
}

/** A position's counters as a query returns them (null when an outer join found none). */
export interface PositionRow {
  node_id: string;
  sku: string;
  on_hand: number | null;
  reserved: number | null;
  safety_stock: number | null;
  reorder_point: number | null;
  version: number | null;
}

export function positionFromRow(r: PositionRow): PositionCounters {
  return {
    nodeId: r.node_id,
    sku: r.sku,
    onHand: r.on_hand ?? 0,
    reserved: r.reserved ?? 0,
    safetyStock: r.safety_stock ?? 0,
    reorderPoint: r.reorder_point,
    version: Number(r.version ?? 0),
  };
}

/** Sums deltas per position and sorts them in the canonical (node_id, sku) lock order. */
export function mergeDeltas(deltas: CounterDelta[]): CounterDelta[] {
  const byKey = new Map<string, CounterDelta>();
  for (const d of deltas) {
    const key = `${d.nodeId}\u0000${d.sku}`;
    const known = byKey.get(key);
    if (known) {
      known.onHand += d.onHand;
      known.reserved += d.reserved;
    } else byKey.set(key, { ...d });
  }
  return [...byKey.values()].sort((a, b) =>
    a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0,
  );
}

/**
 * Applies counter deltas to several positions all or nothing, in one statement: the rows are
 * locked in (node_id, sku) order (deadlock-free), checked against their latest committed values
 * (no negative on hand or reserved; a reserved increase needs that much ATP), and updated only if
 * every one passes. Never read-modify-write: the check and the update happen under the row locks.
 */
export async function applyCounterDeltas(trx: Db, input: CounterDelta[]): Promise<ApplyDeltasResult> {
  const deltas = mergeDeltas(input);
  const { rows } = await sql<CounterRow>`
    WITH d AS (
      SELECT * FROM unnest(${deltas.map((d) => d.nodeId)}::text[], ${deltas.map((d) => d.sku)}::text[],
        ${deltas.map((d) => d.onHand)}::int[], ${deltas.map((d) => d.reserved)}::int[])
        AS d(node_id, sku, on_delta, res_delta)
    ),
    locked AS (
      SELECT p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock
      FROM inventory_positions p JOIN d ON d.node_id = p.node_id AND d.sku = p.sku
      ORDER BY p.node_id, p.sku
      FOR NO KEY UPDATE OF p
    ),
    chk AS (
      SELECT d.node_id, d.sku, l.on_hand, l.reserved, l.safety_stock,
        coalesce(l.on_hand + d.on_delta >= 0 AND l.reserved + d.res_delta >= 0
          AND (d.res_delta <= 0 OR l.on_hand - l.reserved - l.safety_stock >= d.res_delta), false) AS ok
      FROM d LEFT JOIN locked l ON l.node_id = d.node_id AND l.sku = d.sku
    ),
    go AS (SELECT bool_and(ok) AS ok FROM chk),
    u AS (
      UPDATE inventory_positions p
      SET on_hand = p.on_hand + d.on_delta, reserved = p.reserved + d.res_delta,
          version = p.version + 1, updated_at = now()
      FROM d
      WHERE p.node_id = d.node_id AND p.sku = d.sku AND (SELECT ok FROM go)
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version
    )
    SELECT 'u' AS part, u.*, NULL::boolean AS ok FROM u
    UNION ALL
    SELECT 'c', chk.node_id, chk.sku, chk.on_hand, chk.reserved, chk.safety_stock, NULL::int, NULL::bigint, chk.ok
    FROM chk WHERE NOT (SELECT ok FROM go)
  `.execute(trx);
  const failed = rows.filter((r) => r.part === 'c' && !r.ok);
  if (failed.length > 0) {
    return {
      ok: false,
      failures: failed.map((r) => ({
        nodeId: r.node_id,
        sku: r.sku,
        found: r.on_hand !== null,
        onHand: r.on_hand ?? 0,
        reserved: r.reserved ?? 0,
        available: atpOf({
          onHand: r.on_hand ?? 0,
          reserved: r.reserved ?? 0,
          safetyStock: r.safety_stock ?? 0,
        }),
      })),
    };
  }
  return { ok: true, positions: rows.filter((r) => r.part === 'u').map(positionFromRow) };
}
