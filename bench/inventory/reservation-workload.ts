import { sql } from 'kysely';
import { reserve } from '../../src/inventory/reservation-service.ts';
import type { Db } from '../../src/platform/db/database.ts';

export interface OrderLine {
  nodeId: string;
  sku: string;
  quantity: number;
}

/** Deterministic 3-line orders over the network's positions (distinct positions per order). */
export function makeOrders(count: number, nodes: string[], skus: string[], seed: number): OrderLine[][] {
  let s = seed;
  const next = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
  return Array.from({ length: count }, () => {
    const lines: OrderLine[] = [];
    while (lines.length < 3) {
      const line = {
        nodeId: nodes[next(nodes.length)]!,
        sku: skus[next(skus.length)]!,
        quantity: 1 + next(2),
      };
      if (!lines.some((l) => l.nodeId === line.nodeId && l.sku === line.sku)) lines.push(line);
    }
    return lines;
  });
}

async function drive(
  orders: OrderLine[][],
  concurrency: number,
  one: (o: OrderLine[], i: number) => Promise<void>,
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orders.length) {
        const i = next++;
        await one(orders[i]!, i);
      }
    }),
  );
  return orders.length / ((performance.now() - started) / 1000);
}

/**
 * Orders per second through the service layer (ledger rows, reservation rows, outbox event);
 * `batch` false writes each order by its own statement (no group commit).
 */
export async function serviceRate(
  db: Db,
  orders: OrderLine[][],
  concurrency: number,
  tag: string,
  batch = true,
): Promise<number> {
  return drive(orders, concurrency, async (lines, i) => {
    const result = await reserve(db, { lines, owner: { type: 'order', id: `${tag}-${i}` } }, {}, { batch });
    if (!result.ok) throw new Error('bench stock ran out');
  });
}

/**
 * The ceiling: the same guarded updates, in the same (node, sku) order, issued directly as one
 * autocommit statement per order, with nothing else written.
 */
export async function ceilingRate(db: Db, orders: OrderLine[][], concurrency: number): Promise<number> {
  return drive(orders, concurrency, async (lines) => {
    const sorted = [...lines].sort((a, b) =>
      a.nodeId === b.nodeId ? (a.sku < b.sku ? -1 : 1) : a.nodeId < b.nodeId ? -1 : 1,
    );
    const { rows } = await sql<{ n: number }>`
      WITH d AS (
        SELECT * FROM unnest(${sorted.map((l) => l.nodeId)}::text[], ${sorted.map((l) => l.sku)}::text[],
          ${sorted.map((l) => l.quantity)}::int[]) AS d(node_id, sku, qty)
      ),
      u AS (
        UPDATE inventory_positions p SET reserved = p.reserved + d.qty, version = p.version + 1, updated_at = now()
        FROM d WHERE p.node_id = d.node_id AND p.sku = d.sku AND p.on_hand - p.reserved - p.safety_stock >= d.qty
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM u`.execute(db);
    if (rows[0]?.n !== sorted.length) throw new Error('bench stock ran out');
  });
}
