import type { Selectable } from 'kysely';
import type { Event } from './event-schema.ts';
import type { EventsTable } from './tables.ts';

/** An outbox row in its public shape (the same as `GET /v1/events` items). */
export function toEvent(row: Selectable<EventsTable>): Event {
  return {
    id: row.id,
    position: row.position as number,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateSeq: row.aggregate_seq,
    payload: row.payload,
    actor: row.actor,
    correlationId: row.correlation_id,
    occurredAt: row.occurred_at.toISOString(),
  };
}
