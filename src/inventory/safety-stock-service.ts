import { type RawBuilder, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { PositionSettings } from './inventory-schema.ts';
import { appendLowStock, positionAggregateId } from './low-stock.ts';
import { atpOf, type PositionCounters, positionFromRow } from './position-counters.ts';
import { assertNodeAndItem, toPosition } from './position-service.ts';

/**
 * Effective safety stock = position override, else the node's, else its kind's default, else 0.
 * It is materialised in inventory_positions.safety_stock (the reservation guard reads it), so each
 * change of a default or override recomputes the positions it reaches. Changes take an exclusive
 * advisory lock; feeds creating positions take it shared, so no position is created with a value
 * that a concurrent change would miss.
 */
export const SAFETY_LOCK = 0x5afe7;

export async function lockSafetyShared(trx: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${SAFETY_LOCK})`.execute(trx);
}

async function lockSafety(trx: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SAFETY_LOCK})`.execute(trx);
}

interface RecomputedRow {
  node_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  reorder_point: number | null;
  version: number;
  old_safety: number;
}

/** Rewrites the effective safety stock of the positions in `scope`; emits low-stock crossings. */
async function recompute(trx: Db, scope: RawBuilder<unknown>, actor: string | null): Promise<number> {
  const { rows } = await sql<RecomputedRow>`
    WITH eff AS (
      SELECT p.node_id, p.sku, coalesce(p.safety_override, ns.safety_stock, d.safety_stock, 0) AS safety
      FROM inventory_positions p
      JOIN nodes n ON n.id = p.node_id
      LEFT JOIN node_safety_stock ns ON ns.node_id = p.node_id
      LEFT JOIN safety_stock_defaults d ON d.node_kind = n.kind
      WHERE ${scope}
    ),
    locked AS (
      SELECT p.node_id, p.sku, p.safety_stock AS old_safety, e.safety
      FROM inventory_positions p JOIN eff e ON e.node_id = p.node_id AND e.sku = p.sku
      WHERE p.safety_stock <> e.safety
      ORDER BY p.node_id, p.sku FOR NO KEY UPDATE OF p
    )
    UPDATE inventory_positions p
    SET safety_stock = l.safety, version = p.version + 1, updated_at = now()
    FROM locked l WHERE p.node_id = l.node_id AND p.sku = l.sku
    RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version, l.old_safety
  `.execute(trx);
  for (const r of rows) {
    const after = positionFromRow(r);
    const before = { onHand: r.on_hand, reserved: r.reserved, safetyStock: r.old_safety };
    if (
      after.reorderPoint !== null &&
      atpOf(before) >= after.reorderPoint &&
      atpOf(after) < after.reorderPoint
    )
      await appendLowStock(trx, after, actor, null);
  }
  return rows.length;
}

export async function getSafetyStockConfig(
  db: Db,
): Promise<{ kinds: Record<string, number>; nodes: Record<string, number> }> {
  const kinds = await db.selectFrom('safety_stock_defaults').selectAll().orderBy('node_kind').execute();
  const nodes = await db.selectFrom('node_safety_stock').selectAll().orderBy('node_id').execute();
  return {
    kinds: Object.fromEntries(kinds.map((k) => [k.node_kind, k.safety_stock])),
    nodes: Object.fromEntries(nodes.map((n) => [n.node_id, n.safety_stock])),
  };
}

/** Sets (or with null clears) the default safety stock of a node kind. */
export async function setKindSafetyStock(
  db: Db,
  kind: string,
  value: number | null,
  actor: string | null,
): Promise<{ positionsChanged: number }> {
  return db.transaction().execute(async (trx) => {
    await lockSafety(trx);
    if (value === null) await trx.deleteFrom('safety_stock_defaults').where('node_kind', '=', kind).execute();
    else
      await trx
        .insertInto('safety_stock_defaults')
        .values({ node_kind: kind, safety_stock: value })
        .onConflict((oc) => oc.column('node_kind').doUpdateSet({ safety_stock: value }))
        .execute();
    const positionsChanged = await recompute(trx, sql`n.kind = ${kind}`, actor);
    await appendEvent(trx, {
      type: 'inventory.safety-stock-changed',
      aggregateType: 'safety-stock',
      aggregateId: `kind:${kind}`,
      payload: { kind, safetyStock: value, positionsChanged },
      actor,
    });
    return { positionsChanged };
  });
}

/**
 * A node's kind changed (in the caller's transaction, which holds the node row FOR UPDATE): its
 * positions take the new kind's default where no node or position value overrides it. No
 * advisory lock here (the feed holds it shared while it waits for the node row, which would
 * deadlock): the feed reads a node's kind under FOR KEY SHARE, so it either commits first (its new
 * positions are recomputed here) or waits for this commit and reads the new kind.
 */
export async function recomputeNodeSafetyStock(
  trx: Db,
  nodeId: string,
  actor: string | null,
): Promise<number> {
  const positionsChanged = await recompute(trx, sql`p.node_id = ${nodeId}`, actor);
  if (positionsChanged > 0) {
    await appendEvent(trx, {
      type: 'inventory.safety-stock-changed',
      aggregateType: 'safety-stock',
      aggregateId: `node:${nodeId}`,
      payload: { nodeId, reason: 'node-kind-changed', positionsChanged },
      actor,
    });
  }
  return positionsChanged;
}

/** Sets (or with null clears) a node's safety stock, which overrides its kind's default. */
export async function setNodeSafetyStock(
  db: Db,
  nodeId: string,
  value: number | null,
  actor: string | null,
): Promise<{ positionsChanged: number }> {
  return db.transaction().execute(async (trx) => {
    await lockSafety(trx);
    const node = await trx.selectFrom('nodes').select('id').where('id', '=', nodeId).executeTakeFirst();
    if (!node) throw new AppError('node-not-found', `Node ${nodeId} does not exist`);
    if (value === null) await trx.deleteFrom('node_safety_stock').where('node_id', '=', nodeId).execute();
    else
      await trx
        .insertInto('node_safety_stock')
        .values({ node_id: nodeId, safety_stock: value })
        .onConflict((oc) => oc.column('node_id').doUpdateSet({ safety_stock: value }))
        .execute();
    const positionsChanged = await recompute(trx, sql`p.node_id = ${nodeId}`, actor);
    await appendEvent(trx, {
      type: 'inventory.safety-stock-changed',
      aggregateType: 'safety-stock',
      aggregateId: `node:${nodeId}`,
      payload: { nodeId, safetyStock: value, positionsChanged },
      actor,
    });
    return { positionsChanged };
  });
}

/** Sets a position's own safety stock and/or reorder point (creating an empty position if needed). */
export async function setPositionSettings(
  db: Db,
  nodeId: string,
  sku: string,
  settings: PositionSettings,
  actor: string | null,
) {
  return db.transaction().execute(async (trx) => {
    await lockSafety(trx);
    await assertNodeAndItem(trx, nodeId, sku);
    await sql`
      INSERT INTO inventory_positions (node_id, sku, on_hand, reserved) VALUES (${nodeId}, ${sku}, 0, 0)
      ON CONFLICT DO NOTHING`.execute(trx);
    const before = await trx
      .selectFrom('inventory_positions')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('sku', '=', sku)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const override = settings.safetyOverride !== undefined ? settings.safetyOverride : before.safety_override;
    const reorder = settings.reorderPoint !== undefined ? settings.reorderPoint : before.reorder_point;
    if (override !== before.safety_override || reorder !== before.reorder_point) {
      await trx
        .updateTable('inventory_positions')
        .set({
          safety_override: override,
          reorder_point: reorder,
          version: sql`version + 1`,
          updated_at: new Date(),
        })
        .where('node_id', '=', nodeId)
        .where('sku', '=', sku)
        .execute();
    }
    await recompute(trx, sql`p.node_id = ${nodeId} AND p.sku = ${sku}`, actor);
    const after = await trx
      .selectFrom('inventory_positions')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('sku', '=', sku)
      .executeTakeFirstOrThrow();
    const position = toPosition(after);
    if (Number(after.version) !== Number(before.version)) {
      await appendEvent(trx, {
        type: 'inventory.position-settings-changed',
        aggregateType: 'inventory-position',
        aggregateId: positionAggregateId(nodeId, sku),
        payload: position,
        actor,
      });
      // A raised reorder point can make the position low without any stock moving.
      const wasLow = before.reorder_point !== null && atpOf(toPosition(before)) < before.reorder_point;
      const counters: PositionCounters = positionFromRow(after);
      const isLow = counters.reorderPoint !== null && atpOf(counters) < counters.reorderPoint;
      const safetyMoved = after.safety_stock !== before.safety_stock;
      if (!wasLow && isLow && !safetyMoved) await appendLowStock(trx, counters, actor, null);
    }
    return position;
  });
}
