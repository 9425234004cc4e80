import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { atpOf, type PositionCounters } from './position-counters.ts';

/**
 * True when ATP went from at or above the reorder point to below it: one event per crossing,
 * none while it stays below.
 */
export function crossedBelowReorderPoint(
  before: { onHand: number; reserved: number; safetyStock: number },
  after: PositionCounters,
): boolean {
  if (after.reorderPoint === null) return false;
  return atpOf(before) >= after.reorderPoint && atpOf(after) < after.reorderPoint;
}

/** The position before a known change of its counters. */
export function beforeDelta(
  after: PositionCounters,
  delta: { onHand: number; reserved: number; safetyStock?: number },
): { onHand: number; reserved: number; safetyStock: number } {
  return {
    onHand: after.onHand - delta.onHand,
    reserved: after.reserved - delta.reserved,
    safetyStock: after.safetyStock - (delta.safetyStock ?? 0),
  };
}

export function positionAggregateId(nodeId: string, sku: string): string {
  return `${nodeId}/${sku}`;
}

/** Writes `inventory.low-stock` for a position whose ATP just crossed below its reorder point. */
export async function appendLowStock(
  trx: Db,
  position: PositionCounters,
  actor: string | null,
  correlationId: string | null,
): Promise<void> {
  await appendEvent(trx, {
    type: 'inventory.low-stock',
    aggregateType: 'inventory-position',
    aggregateId: positionAggregateId(position.nodeId, position.sku),
    payload: {
      nodeId: position.nodeId,
      sku: position.sku,
      atp: atpOf(position),
      reorderPoint: position.reorderPoint,
      onHand: position.onHand,
      reserved: position.reserved,
      safetyStock: position.safetyStock,
      version: position.version,
    },
    actor,
    correlationId,
  });
}

/** Checks every changed position against its delta and emits the crossings. */
export async function emitLowStockCrossings(
  trx: Db,
  changes: { after: PositionCounters; delta: { onHand: number; reserved: number } }[],
  actor: string | null,
  correlationId: string | null,
): Promise<void> {
  for (const { after, delta } of changes) {
    if (crossedBelowReorderPoint(beforeDelta(after, delta), after)) {
      await appendLowStock(trx, after, actor, correlationId);
    }
  }
}
