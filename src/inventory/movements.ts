import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export const MOVEMENT_KINDS = [
  'receipt',
  'adjustment',
  'count-correction',
  'reserve',
  'release',
  'ship',
  'return-restock',
  'transfer-out',
  'transfer-in',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface NewMovement {
  nodeId: string;
  sku: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  reason?: string | null;
  actor?: string | null;
  source?: string | null;
  sourceId?: string | null;
  correlationId?: string | null;
  reservationId?: string | null;
}

/** Appends ledger rows (one per movement) in one statement. */
export async function recordMovements(trx: Db, movements: NewMovement[]): Promise<void> {
  if (movements.length === 0) return;
  const col = <T>(f: (m: NewMovement) => T) => movements.map(f);
  await sql`
    INSERT INTO inventory_movements
      (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source, source_id, correlation_id,
       reservation_id)
    SELECT * FROM unnest(${col((m) => m.nodeId)}::text[], ${col((m) => m.sku)}::text[],
      ${col((m) => m.kind)}::text[], ${col((m) => m.onHandDelta)}::int[], ${col((m) => m.reservedDelta)}::int[],
      ${col((m) => m.reason ?? null)}::text[], ${col((m) => m.actor ?? null)}::text[],
      ${col((m) => m.source ?? null)}::text[], ${col((m) => m.sourceId ?? null)}::text[],
      ${col((m) => m.correlationId ?? null)}::text[], ${col((m) => m.reservationId ?? null)}::uuid[])
  `.execute(trx);
}
