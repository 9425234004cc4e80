import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';

/** A small network around New York plus a DC in Chicago and a store in LA, written with SQL. */
export const NODES = [
  { id: 'DC-CHI', kind: 'warehouse', lat: 41.8781, lon: -87.6298, tags: ['central'] },
  { id: '3PL-NJ', kind: '3pl', lat: 40.7357, lon: -74.1724, tags: ['partner'] },
  { id: 'ST-NYC', kind: 'store', lat: 40.7506, lon: -73.9935, tags: ['east'] },
  { id: 'ST-BKN', kind: 'store', lat: 40.6782, lon: -73.9442, tags: ['east'] },
  { id: 'ST-LA', kind: 'store', lat: 34.0522, lon: -118.2437, tags: ['west'] },
] as const;

export const SKUS = ['TEE-1', 'MUG-1', 'LAMP-1'] as const;

export async function insertNetwork(db: Db): Promise<void> {
  for (const n of NODES) {
    await db
      .insertInto('nodes')
      .values({
        id: n.id,
        kind: n.kind,
        name: n.id,
        address: '{}',
        lat: n.lat,
        lon: n.lon,
        timezone: 'America/New_York',
        capabilities: n.kind === 'store' ? ['ship', 'pickup'] : ['ship'],
        handling_cost: 1,
        daily_capacity: null,
        cutoff_time: '17:00',
        processing_days: 0,
        status: 'online',
        tags: [...n.tags],
        priority_group: null,
      })
      .execute();
  }
  for (const sku of SKUS) {
    await db
      .insertInto('items')
      .values({
        sku,
        name: sku,
        weight_lb: 1,
        size_class: 'small',
        hazmat: false,
        oversize: false,
        attributes: '{}',
        active: true,
      })
      .execute();
  }
}

/** Writes a position the way the ledger would (the trigger notifies); returns its new version. */
export async function setStock(
  db: Db,
  nodeId: string,
  sku: string,
  onHand: number,
  reserved = 0,
  safety = 0,
): Promise<number> {
  const { rows } = await sql<{ version: number }>`
    INSERT INTO inventory_positions (node_id, sku, on_hand, reserved, safety_stock)
    VALUES (${nodeId}, ${sku}, ${onHand}, ${reserved}, ${safety})
    ON CONFLICT (node_id, sku) DO UPDATE
      SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, safety_stock = EXCLUDED.safety_stock,
          version = inventory_positions.version + 1, updated_at = now()
    RETURNING version`.execute(db);
  return Number(rows[0]!.version);
}

/**
 * Sets a position's on hand (and clears reserved and safety) without any notification, as a bulk
 * import's transaction does, so only a reload can see it.
 */
export async function setStockSilently(db: Db, nodeId: string, sku: string, onHand: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ordergrid.bulk = 'on'`.execute(trx);
    await sql`UPDATE inventory_positions SET on_hand = ${onHand}, reserved = 0, safety_stock = 0, version = version + 1
              WHERE node_id = ${nodeId} AND sku = ${sku}`.execute(trx);
  });
}

/** Polls (no fixed sleeps) until the check passes, failing after `withinMs`. Returns the time taken. */
export async function until(check: () => boolean, withinMs = 5_000): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - t0;
}
