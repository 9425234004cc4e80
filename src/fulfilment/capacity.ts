import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export function capacityKey(nodeId: string, day: string): string {
  return `${nodeId}|${day}`;
}

/** Packages used per `node|day` for the last two days (enough for every time zone's "today"). */
export async function loadCapacityUsage(db: Db): Promise<Map<string, number>> {
  const rows = await sql<{ node_id: string; day: string; packages: number }>`
    SELECT node_id, to_char(day, 'YYYY-MM-DD') AS day, packages FROM node_capacity_usage
    WHERE day >= current_date - 1`.execute(db);
  return new Map(rows.rows.map((r) => [capacityKey(r.node_id, r.day), r.packages]));
}

export interface CapacityClaim {
  nodeId: string;
  day: string;
  packages: number;
  limit: number;
}

/** Claims in the canonical lock order: (node, day). */
function sortedClaims<T extends { nodeId: string; day: string }>(claims: T[]): T[] {
  return [...claims].sort((a, b) =>
    a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0,
  );
}

/**
 * The CTE `cap` taking packages of several nodes' daily capacity inside a larger statement: one
 * guarded upsert in (node, day) order (never read-modify-write). `cap` returns one row per claim
 * that fitted: fewer rows than `claims.length` means a node is full, and the statement must not
 * commit its other writes (the caller guards on the count).
 */
export function capacityClaimCte(claims: CapacityClaim[]): RawBuilder<unknown> {
  const sorted = sortedClaims(claims);
  return sql`
    cap_c AS (
      SELECT * FROM unnest(${sorted.map((c) => c.nodeId)}::text[], ${sorted.map((c) => c.day)}::date[],
        ${sorted.map((c) => c.packages)}::int[], ${sorted.map((c) => c.limit)}::int[]) AS c(node_id, day, n, lim)
    ),
    cap AS (
      INSERT INTO node_capacity_usage AS u (node_id, day, packages)
      SELECT node_id, day, n FROM cap_c WHERE n <= lim ORDER BY node_id, day
      ON CONFLICT (node_id, day) DO UPDATE SET packages = u.packages + excluded.packages
      WHERE u.packages + excluded.packages
        <= (SELECT c.lim FROM cap_c c WHERE c.node_id = u.node_id AND c.day = u.day)
      RETURNING 1
    )`;
}

/**
 * Takes packages of several nodes' daily capacity, all or nothing, in one statement: rows locked
 * in (node, day) order, each checked against its limit under the lock (never read-modify-write).
 * Returns false, changing nothing, when any node is full.
 */
export async function takeCapacity(trx: Db, claims: CapacityClaim[]): Promise<boolean> {
  if (claims.length === 0) return true;
  const sorted = sortedClaims(claims);
  // Rows are created first (empty) so that the check below can lock every one of them.
  await sql`
    INSERT INTO node_capacity_usage (node_id, day, packages)
    SELECT * FROM unnest(${sorted.map((c) => c.nodeId)}::text[], ${sorted.map((c) => c.day)}::date[],
      ${sorted.map(() => 0)}::int[])
    ON CONFLICT DO NOTHING`.execute(trx);
  const { rows } = await sql<{ n: number }>`
    WITH c AS (
      SELECT * FROM unnest(${sorted.map((c) => c.nodeId)}::text[], ${sorted.map((c) => c.day)}::date[],
        ${sorted.map((c) => c.packages)}::int[], ${sorted.map((c) => c.limit)}::int[]) AS c(node_id, day, n, lim)
    ),
    locked AS (
      SELECT u.node_id, u.day, u.packages FROM node_capacity_usage u JOIN c ON c.node_id = u.node_id AND c.day = u.day
      ORDER BY u.node_id, u.day FOR UPDATE OF u
    ),
    go AS (
      SELECT bool_and(l.packages + c.n <= c.lim) AS ok FROM c JOIN locked l ON l.node_id = c.node_id AND l.day = c.day
    ),
    u AS (
      UPDATE node_capacity_usage u SET packages = u.packages + c.n
      FROM c WHERE u.node_id = c.node_id AND u.day = c.day AND (SELECT ok FROM go)
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM u`.execute(trx);
  return (rows[0]?.n ?? 0) === sorted.length;
}

/** Gives packages back (a cancelled, rejected or withdrawn fulfilment order). */
export async function freeCapacity(
  trx: Db,
  claims: { nodeId: string; day: string; packages: number }[],
): Promise<void> {
  if (claims.length === 0) return;
  const sorted = sortedClaims(claims);
  await sql`
    UPDATE node_capacity_usage u SET packages = greatest(u.packages - c.n, 0)
    FROM (SELECT * FROM unnest(${sorted.map((c) => c.nodeId)}::text[], ${sorted.map((c) => c.day)}::date[],
      ${sorted.map((c) => c.packages)}::int[]) AS c(node_id, day, n)) c
    WHERE u.node_id = c.node_id AND u.day = c.day`.execute(trx);
}
