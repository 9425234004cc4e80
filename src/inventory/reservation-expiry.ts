import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { recordMovements } from './movements.ts';
import { applyCounterDeltas } from './position-counters.ts';
import { ownerAggregateId, toReservation } from './reservation-service.ts';
import type { ReservationsTable } from './tables.ts';

type ReservationRow = Selectable<ReservationsTable>;

/**
 * Releases every open reservation whose hold expired at `now`, in batches (one transaction each).
 * Rows another worker is already releasing are skipped (SKIP LOCKED), so several instances can run
 * it at once. One `reservation.expired` event per owner per batch.
 */
export async function releaseExpiredReservations(
  db: Db,
  now: Date = new Date(),
  batchSize = 500,
): Promise<{ released: number }> {
  let released = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const expired = await sql<ReservationRow>`
        SELECT * FROM reservations
        WHERE status = 'open' AND expires_at IS NOT NULL AND expires_at <= ${now}
        ORDER BY id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      if (expired.rows.length === 0) return 0;
      const applied = await applyCounterDeltas(
        trx,
        expired.rows.map((r) => ({ nodeId: r.node_id, sku: r.sku, onHand: 0, reserved: -r.quantity })),
      );
      if (!applied.ok) throw new Error('reserved is below the open reservations of a position');
      const ids = expired.rows.map((r) => r.id);
      const after = await sql<ReservationRow>`
        UPDATE reservations
        SET released = released + quantity, quantity = 0, status = 'expired', version = version + 1,
            updated_at = now()
        WHERE id = ANY(${ids}::uuid[]) AND status = 'open'
        RETURNING *`.execute(trx);
      await recordMovements(
        trx,
        expired.rows.map((r) => ({
          nodeId: r.node_id,
          sku: r.sku,
          kind: 'release' as const,
          onHandDelta: 0,
          reservedDelta: -r.quantity,
          reason: 'expired',
          actor: 'system',
          correlationId: ownerAggregateId({ type: r.owner_type, id: r.owner_id }),
          reservationId: r.id,
        })),
      );
      const byOwner = new Map<string, ReservationRow[]>();
      for (const r of after.rows) {
        const key = ownerAggregateId({ type: r.owner_type, id: r.owner_id });
        byOwner.set(key, [...(byOwner.get(key) ?? []), r]);
      }
      for (const [owner, rows] of byOwner) {
        await appendEvent(trx, {
          type: 'reservation.expired',
          aggregateType: 'reservation',
          aggregateId: owner,
          payload: { reservations: rows.map(toReservation), releasedAt: now.toISOString() },
          actor: 'system',
          correlationId: owner,
        });
      }
      return expired.rows.length;
    });
    released += count;
    if (count < batchSize) return { released };
  }
}
