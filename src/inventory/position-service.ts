import { type Selectable, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import { listIncomingFor } from './incoming-service.ts';
import type {
  Movement,
  MovementQuery,
  Position,
  PositionDetail,
  PositionListQuery,
} from './inventory-schema.ts';
import { atpOf } from './position-counters.ts';
import type { InventoryMovementsTable, InventoryPositionsTable } from './tables.ts';

type PositionRow = Selectable<InventoryPositionsTable>;

export function toPosition(row: PositionRow): Position {
  const counters = { onHand: row.on_hand, reserved: row.reserved, safetyStock: row.safety_stock };
  return {
    nodeId: row.node_id,
    sku: row.sku,
    onHand: row.on_hand,
    reserved: row.reserved,
    safetyStock: row.safety_stock,
    safetyOverride: row.safety_override,
    reorderPoint: row.reorder_point,
    atp: atpOf(counters),
    version: Number(row.version),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toMovement(row: Selectable<InventoryMovementsTable>): Movement {
  return {
    id: Number(row.id),
    nodeId: row.node_id,
    sku: row.sku,
    kind: row.kind as Movement['kind'],
    onHandDelta: row.on_hand_delta,
    reservedDelta: row.reserved_delta,
    reason: row.reason,
    actor: row.actor,
    source: row.source,
    sourceId: row.source_id,
    correlationId: row.correlation_id,
    reservationId: row.reservation_id,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
  };
}

/** Throws node-not-found / item-not-found when the pair names nothing. */
export async function assertNodeAndItem(db: Db, nodeId: string, sku: string): Promise<void> {
  const node = await db.selectFrom('nodes').select('id').where('id', '=', nodeId).executeTakeFirst();
  if (!node) throw new AppError('node-not-found', `Node ${nodeId} does not exist`);
  const item = await db.selectFrom('items').select('sku').where('sku', '=', sku).executeTakeFirst();
  if (!item) throw new AppError('item-not-found', `Item ${sku} does not exist`);
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The position with its open incoming supply and the ATP it gives by day. */
export async function getPositionDetail(
  db: Db,
  nodeId: string,
  sku: string,
  now: Date = new Date(),
): Promise<PositionDetail> {
  const row = await db
    .selectFrom('inventory_positions')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (!row) await assertNodeAndItem(db, nodeId, sku);
  const position: Position = row
    ? toPosition(row)
    : {
        nodeId,
        sku,
        onHand: 0,
        reserved: 0,
        safetyStock: 0,
        safetyOverride: null,
        reorderPoint: null,
        atp: 0,
        version: 0,
        updatedAt: now.toISOString(),
      };
  const incoming = await listIncomingFor(db, nodeId, sku);
  const today = utcDay(now);
  // Raw ATP may be negative (shrink after reservations): supply first fills that hole.
  let running = position.onHand - position.reserved - position.safetyStock;
  const byDay = new Map<string, number>();
  for (const s of incoming) {
    const day = s.expectedOn < today ? today : s.expectedOn;
    byDay.set(day, (byDay.get(day) ?? 0) + s.quantity);
  }
  const atpByDate = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, qty]) => {
      running += qty;
      return { date, atp: Math.max(0, running) };
    });
  return { ...position, incoming, atpByDate };
}

type PositionKey = [string, string];
const isKey = (v: unknown): v is PositionKey =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** The positions export, in (node, sku) order; associates see only their nodes. */
export async function listPositions(
  db: Db,
  query: PositionListQuery,
  onlyNodes?: string[],
): Promise<{ items: Position[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, isKey);
  let q = db
    .selectFrom('inventory_positions')
    .selectAll()
    .orderBy('node_id')
    .orderBy('sku')
    .limit(query.limit + 1);
  if (after) q = q.where(sql<boolean>`(node_id, sku) > (${after[0]}, ${after[1]})`);
  if (query.nodeId) q = q.where('node_id', '=', query.nodeId);
  if (query.sku) q = q.where('sku', '=', query.sku);
  if (onlyNodes) q = q.where('node_id', 'in', onlyNodes.length ? onlyNodes : ['']);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit).map(toPosition);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.nodeId, last.sku]) : null,
  };
}

/** The ledger of one position, oldest first. */
export async function listMovements(
  db: Db,
  nodeId: string,
  sku: string,
  query: MovementQuery,
): Promise<{ items: Movement[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, (v): v is number => typeof v === 'number');
  let q = db
    .selectFrom('inventory_movements')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where('sku', '=', sku)
    .orderBy('id')
    .limit(query.limit + 1);
  if (after !== undefined) q = q.where('id', '>', after);
  const rows = await q.execute();
  if (rows.length === 0 && after === undefined) {
    const exists = await db
      .selectFrom('inventory_positions')
      .select('node_id')
      .where('node_id', '=', nodeId)
      .where('sku', '=', sku)
      .executeTakeFirst();
    if (!exists) await assertNodeAndItem(db, nodeId, sku);
  }
  const page = rows.slice(0, query.limit).map(toMovement);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
}
