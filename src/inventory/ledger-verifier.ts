import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export type BreachCheck =
  | 'on-hand-equals-ledger'
  | 'reserved-equals-ledger'
  | 'reserved-equals-open-reservations'
  | 'on-hand-not-negative'
  | 'reserved-not-negative'
  | 'movements-without-position';

export interface Breach {
  nodeId: string;
  sku: string;
  check: BreachCheck;
  expected: number;
  actual: number;
}

export interface VerifyReport {
  positions: number;
  movements: number;
  openReservations: number;
  breaches: Breach[];
  ok: boolean;
}

interface Row {
  node_id: string;
  sku: string;
  has_position: boolean;
  on_hand: number | null;
  reserved: number | null;
  ledger_on_hand: number;
  ledger_reserved: number;
  open_reserved: number;
}

/**
 * Checks the ledger invariants for every position, in one pass:
 * on hand = sum of the on-hand movements, reserved = sum of the reserved movements = sum of the
 * open reservations, and neither is negative. Read in one REPEATABLE READ snapshot so concurrent
 * writers cannot produce false breaches.
 */
export async function verifyLedger(db: Db, limit = 1_000): Promise<VerifyReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      const { rows } = await sql<Row>`
        WITH m AS (
          SELECT node_id, sku, sum(on_hand_delta)::bigint AS on_hand, sum(reserved_delta)::bigint AS reserved
          FROM inventory_movements GROUP BY node_id, sku
        ),
        r AS (
          SELECT node_id, sku, sum(quantity)::bigint AS reserved FROM reservations WHERE status = 'open'
          GROUP BY node_id, sku
        )
        SELECT coalesce(p.node_id, m.node_id) AS node_id, coalesce(p.sku, m.sku) AS sku,
          p.node_id IS NOT NULL AS has_position, p.on_hand, p.reserved,
          coalesce(m.on_hand, 0)::bigint AS ledger_on_hand, coalesce(m.reserved, 0)::bigint AS ledger_reserved,
          coalesce(r.reserved, 0)::bigint AS open_reserved
        FROM inventory_positions p
        FULL JOIN m ON m.node_id = p.node_id AND m.sku = p.sku
        LEFT JOIN r ON r.node_id = coalesce(p.node_id, m.node_id) AND r.sku = coalesce(p.sku, m.sku)
        WHERE p.node_id IS NULL
          OR p.on_hand <> coalesce(m.on_hand, 0) OR p.reserved <> coalesce(m.reserved, 0)
          OR p.reserved <> coalesce(r.reserved, 0) OR p.on_hand < 0 OR p.reserved < 0
        ORDER BY 1, 2
        LIMIT ${limit}`.execute(trx);
      const totals = await sql<{ positions: number; movements: number; open: number }>`
        SELECT (SELECT count(*) FROM inventory_positions)::int AS positions,
               (SELECT count(*) FROM inventory_movements)::int AS movements,
               (SELECT count(*) FROM reservations WHERE status = 'open')::int AS open`.execute(trx);
      const breaches: Breach[] = [];
      for (const r of rows) {
        const at = { nodeId: r.node_id, sku: r.sku };
        const ledgerOnHand = Number(r.ledger_on_hand);
        const ledgerReserved = Number(r.ledger_reserved);
        const openReserved = Number(r.open_reserved);
        if (!r.has_position) {
          breaches.push({ ...at, check: 'movements-without-position', expected: 0, actual: ledgerOnHand });
          continue;
        }
        const onHand = r.on_hand ?? 0;
        const reserved = r.reserved ?? 0;
        if (onHand !== ledgerOnHand)
          breaches.push({ ...at, check: 'on-hand-equals-ledger', expected: ledgerOnHand, actual: onHand });
        if (reserved !== ledgerReserved)
          breaches.push({
            ...at,
            check: 'reserved-equals-ledger',
            expected: ledgerReserved,
            actual: reserved,
          });
        if (reserved !== openReserved)
          breaches.push({
            ...at,
            check: 'reserved-equals-open-reservations',
            expected: openReserved,
            actual: reserved,
          });
        if (onHand < 0) breaches.push({ ...at, check: 'on-hand-not-negative', expected: 0, actual: onHand });
        if (reserved < 0)
          breaches.push({ ...at, check: 'reserved-not-negative', expected: 0, actual: reserved });
      }
      const t = totals.rows[0];
      return {
        positions: t?.positions ?? 0,
        movements: t?.movements ?? 0,
        openReservations: t?.open ?? 0,
        breaches,
        ok: breaches.length === 0,
      };
    });
}
