import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { Event, EventQuery } from './event-schema.ts';
import { sequenceAll } from './sequencer.ts';

function parseAfter(after: string | undefined): number {
  if (after === undefined || after === '') return 0;
  if (/^\d{1,15}$/.test(after)) return Number(after);
  throw new AppError('invalid-cursor', 'after must be a cursor returned by this endpoint', {
    errors: [{ pointer: '/after', detail: 'not a valid cursor', in: 'query' }],
  });
}

/** Reads the outbox in global order. Sequencing first makes every committed event readable at once. */
export async function readEvents(db: Db, query: EventQuery): Promise<{ items: Event[]; nextCursor: string }> {
  const after = parseAfter(query.after); // before sequencing: a refused read writes nothing
  await sequenceAll(db);
  let q = db
    .selectFrom('events')
    .selectAll()
    .where('position', 'is not', null)
    .where('position', '>', after)
    .orderBy('position')
    .limit(query.limit);
  const types = query.types
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (types?.length) q = q.where('type', 'in', types);
  if (query.aggregateType) q = q.where('aggregate_type', '=', query.aggregateType);
  if (query.aggregateId) q = q.where('aggregate_id', '=', query.aggregateId);
  const rows = await q.execute();
  const items = rows.map((r) => ({
    id: r.id,
    position: r.position as number,
    type: r.type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    aggregateSeq: r.aggregate_seq,
    payload: r.payload,
    actor: r.actor,
    correlationId: r.correlation_id,
    occurredAt: r.occurred_at.toISOString(),
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: String(last ? last.position : after) };
}
