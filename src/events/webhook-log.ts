import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { AttemptStatus } from './delivery-tables.ts';
import type { DeliveryAttempt, DeliveryLogQuery } from './webhook-schema.ts';

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** The delivery log of one subscription, newest attempt first, with its queue's counts. */
export async function readDeliveryLog(
  db: Db,
  subscriptionId: string,
  query: DeliveryLogQuery,
): Promise<{ items: DeliveryAttempt[]; nextCursor: string | null; pending: number; dead: number }> {
  const before = decodeCursor(query.cursor, isId);
  const sub = await db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('id', '=', subscriptionId)
    .executeTakeFirst();
  if (!sub) throw new AppError('webhook-not-found', `Webhook ${subscriptionId} does not exist`);
  let q = db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (before !== undefined) q = q.where('id', '<', before);
  if (query.eventId) q = q.where('event_id', '=', query.eventId);
  if (query.status) q = q.where('status', '=', query.status as AttemptStatus);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const counts = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('subscription_id', '=', subscriptionId)
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      eventId: r.event_id,
      eventType: r.event_type,
      position: Number(r.position),
      attempt: r.attempt,
      replay: r.replay,
      status: r.status,
      responseCode: r.response_code,
      durationMs: r.duration_ms,
      error: r.error,
      nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
      attemptedAt: r.attempted_at.toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(Number(last.id)) : null,
    pending: count('pending'),
    dead: count('dead'),
  };
}
