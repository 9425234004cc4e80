import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { EVENTS_CHANNEL } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';

/** An event of one order (its fulfilment orders' events belong to the order's aggregate too). */
export interface OrderEvent {
  type: string;
  payload: unknown;
}

export interface EventContext {
  actor?: string | null;
  correlationId?: string | null;
}

/**
 * The outbox insert for several events of one order, as CTEs to embed in a larger statement:
 * the same rows `appendEvent` writes (per-aggregate sequence from the locked counter row, in
 * order), so an order's whole change costs one round trip. Aggregate: `order` / order id, so
 * webhooks deliver an order's events (its fulfilment orders' included) in sequence. `gate` (a SQL
 * boolean) writes them only when another part of the statement succeeded.
 */
export function orderEventsCte(
  orderId: string,
  events: OrderEvent[],
  ctx: EventContext,
  gate: RawBuilder<unknown> = sql`true`,
): RawBuilder<unknown> {
  const n = events.length;
  return sql`
    ev_seq AS (
      INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
      SELECT 'order', ${orderId}, ${n}::int WHERE ${n}::int > 0 AND ${gate}
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = event_sequences.last_seq + ${n}::int
      RETURNING last_seq
    ),
    ev_ins AS (
      INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
      SELECT e.id, e.type, 'order', ${orderId}, ev_seq.last_seq - ${n}::int + e.ord::int, e.payload,
        ${ctx.actor ?? null}, ${ctx.correlationId ?? orderId}
      FROM ev_seq, unnest(${events.map(() => randomUUID())}::uuid[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => JSON.stringify(e.payload ?? {}))}::jsonb[]) WITH ORDINALITY AS e(id, type, payload, ord)
      RETURNING 1
    ),
    ev_notify AS (
      SELECT pg_notify(${EVENTS_CHANNEL}, '') FROM (SELECT count(*) AS c FROM ev_ins) x WHERE x.c > 0
    )`;
}

/** Appends an order's events on their own (one statement). */
export async function appendOrderEvents(
  trx: Db,
  orderId: string,
  events: OrderEvent[],
  ctx: EventContext,
): Promise<void> {
  if (events.length === 0) return;
  await sql`WITH ${orderEventsCte(orderId, events, ctx)} SELECT (SELECT count(*) FROM ev_notify) AS n`.execute(
    trx,
  );
}
