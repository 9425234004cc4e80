import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { matchesFilters } from './webhook-filters.ts';
import { relaxedCommit } from './webhook-queue.ts';

/**
 * Copies the sequenced outbox events past each active subscription's cursor into its delivery
 * queue, in position order, and advances the cursor in the same transaction — so an event is
 * queued exactly once per subscription, whichever instance does it. A subscription being fanned out
 * elsewhere is skipped (SKIP LOCKED), not waited for. Returns how many deliveries were queued.
 */
export async function fanOut(db: Db, now: Date, batch = 2_000): Promise<number> {
  const top = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  const maxPosition = Number(top?.max ?? 0);
  const behind = await db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('active', '=', true)
    .where('cursor', '<', maxPosition)
    .execute();
  let queued = 0;
  for (const { id } of behind) {
    for (;;) {
      const r = await fanOutOne(db, id, now, batch);
      queued += r.queued;
      if (!r.more) break;
    }
  }
  return queued;
}

async function fanOutOne(
  db: Db,
  subscriptionId: string,
  now: Date,
  batch: number,
): Promise<{ queued: number; more: boolean }> {
  return db.transaction().execute(async (trx) => {
    await relaxedCommit(trx);
    // NO KEY UPDATE: attempts logged meanwhile (a foreign key to this row) are not blocked.
    const sub = (
      await sql<{ cursor: number; event_types: string[]; active: boolean }>`
        SELECT cursor, event_types, active FROM webhook_subscriptions
        WHERE id = ${subscriptionId} FOR NO KEY UPDATE SKIP LOCKED`.execute(trx)
    ).rows[0];
    if (!sub?.active) return { queued: 0, more: false };
    const events = await trx
      .selectFrom('events')
      .select(['id', 'position', 'type', 'aggregate_type', 'aggregate_id'])
      .where('position', '>', sub.cursor)
      .orderBy('position')
      .limit(batch)
      .execute();
    const last = events[events.length - 1];
    if (!last) return { queued: 0, more: false };
    const rows = events
      .filter((e) => matchesFilters(sub.event_types, e.type))
      .map((e) => ({
        subscription_id: subscriptionId,
        event_id: e.id,
        position: e.position as number,
        event_type: e.type,
        aggregate_type: e.aggregate_type,
        aggregate_id: e.aggregate_id,
        next_attempt_at: now,
      }));
    if (rows.length > 0)
      await trx
        .insertInto('webhook_deliveries')
        .values(rows)
        .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
        .execute();
    await trx
      .updateTable('webhook_subscriptions')
      .set({ cursor: last.position as number })
      .where('id', '=', subscriptionId)
      .execute();
    return { queued: rows.length, more: events.length === batch };
  });
}
