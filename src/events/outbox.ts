import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export interface NewEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  actor?: string | null;
  correlationId?: string | null;
}

export const EVENTS_CHANNEL = 'ordergrid_events';

/**
 * Writes a domain event in the caller's transaction (the transactional outbox). The per-aggregate
 * sequence comes from an upsert that locks the aggregate's row, so two transactions touching one
 * aggregate number their events in commit order.
 */
export async function appendEvent(trx: Db, event: NewEvent): Promise<string> {
  const id = randomUUID();
  await sql`
    WITH next AS (
      INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
      VALUES (${event.aggregateType}, ${event.aggregateId}, 1)
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = event_sequences.last_seq + 1
      RETURNING last_seq
    )
    INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
    SELECT ${id}, ${event.type}, ${event.aggregateType}, ${event.aggregateId}, next.last_seq,
           ${JSON.stringify(event.payload ?? {})}::jsonb, ${event.actor ?? null}, ${event.correlationId ?? null}
    FROM next
  `.execute(trx);
  // Delivered at commit only; wakes the sequencer in every instance.
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
  return id;
}
