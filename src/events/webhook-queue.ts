import { type Selectable, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { AttemptStatus, WebhookDeliveriesTable } from './delivery-tables.ts';
import type { EventsTable } from './tables.ts';
import type { Backoff } from './webhook-backoff.ts';
import type { SendOutcome } from './webhook-sender.ts';
import { deactivateGone } from './webhook-service.ts';

export type Delivery = Selectable<WebhookDeliveriesTable>;

/** A claimed delivery with what sending it needs: the event row and the subscription's target. */
export type ClaimedDelivery = Delivery & {
  url: string;
  secret: string;
  event: Selectable<EventsTable>;
};

/**
 * Claims up to `limit` deliveries that may be attempted now: each is the earliest undelivered event
 * of its aggregate for its subscription (so an aggregate's events go out in order, one at a time),
 * is due, belongs to an active subscription and is not held by another sender. The claim is a
 * lease: a sender that dies leaves it to run out, and the event is attempted again.
 */
export async function claimDue(
  db: Db,
  opts: { now: Date; limit: number; leaseMs: number; token: string },
): Promise<ClaimedDelivery[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  // One statement (one round trip): claim, and return the event and the target with it.
  const { rows } = await sql<ClaimedDelivery>`
    WITH due AS (
      SELECT d.subscription_id, d.event_id
      FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${opts.now}
        AND (d.claimed_until IS NULL OR d.claimed_until <= ${opts.now})
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries e
          WHERE e.subscription_id = d.subscription_id AND e.aggregate_type = d.aggregate_type
            AND e.aggregate_id = d.aggregate_id AND e.status = 'pending' AND e.position < d.position)
      ORDER BY d.next_attempt_at, d.position
      LIMIT ${opts.limit}
    ),
    locked AS (
      SELECT d.subscription_id, d.event_id
      FROM webhook_deliveries d JOIN due ON d.subscription_id = due.subscription_id AND d.event_id = due.event_id
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries d
    SET claim_token = ${opts.token}, claimed_until = ${until},
        first_attempt_at = coalesce(d.first_attempt_at, ${opts.now})
    FROM locked, events ev, webhook_subscriptions s
    WHERE d.subscription_id = locked.subscription_id AND d.event_id = locked.event_id
      AND ev.id = d.event_id AND s.id = d.subscription_id
      AND d.status = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until <= ${opts.now})
    RETURNING d.*, s.url, s.secret, to_jsonb(ev) AS event`.execute(db);
  return rows.map((r) => ({ ...r, event: { ...r.event, occurred_at: new Date(r.event.occurred_at) } }));
}

/**
 * Frees claims whose send cannot still be running (claimed before `claimedBefore`, longer ago than
 * the send timeout): a sender killed mid-send would otherwise hold its events until the lease ran
 * out. Returns how many were freed.
 */
export async function releaseOrphanedClaims(
  db: Db,
  opts: { now: Date; claimedBefore: Date; leaseMs: number },
): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ claim_token: null, claimed_until: null })
    .where('status', '=', 'pending')
    .where('claimed_until', '>', opts.now)
    .where('claimed_until', '<=', new Date(opts.claimedBefore.getTime() + opts.leaseMs))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Queue bookkeeping commits without waiting for the WAL flush. A PostgreSQL crash can then forget
 * the last moments of claims and results — never partially — so an event is at worst sent again
 * (receivers de-duplicate by webhook-id), and the log still never holds two successes.
 */
export async function relaxedCommit(trx: Db): Promise<void> {
  await sql`SET LOCAL synchronous_commit TO OFF`.execute(trx);
}

/** The earliest time a pending delivery becomes due (for the dispatcher's sleep), if any. */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at ? new Date(row.at as Date) : undefined;
}

export interface AttemptResult {
  delivery: Delivery;
  outcome: SendOutcome;
  token: string;
}

/**
 * Records finished attempts in one statement: a delivery moves on (delivered / retry later / dead)
 * only if the attempt still held its claim; otherwise (a replay or an expired lease handed it on)
 * the attempt is logged as superseded, so the log never shows two successful deliveries of one
 * event. Returns each attempt's logged status, keyed `subscriptionId/eventId`.
 */
export async function recordAttempts(
  db: Db,
  results: AttemptResult[],
  opts: { now: Date; backoff: Backoff },
): Promise<Map<string, AttemptStatus>> {
  const input = results.map(({ delivery: d, outcome, token }) => {
    const attempt = d.attempts + 1;
    const delay = outcome.ok ? undefined : opts.backoff.delayAfter(attempt);
    return {
      subscription_id: d.subscription_id,
      event_id: d.event_id,
      token,
      status: outcome.ok ? 'delivered' : delay === undefined ? 'dead' : 'pending',
      attempt,
      next_attempt_at: delay === undefined ? null : new Date(opts.now.getTime() + delay).toISOString(),
      response_code: outcome.responseCode,
      duration_ms: outcome.durationMs,
      error: outcome.error,
      event_type: d.event_type,
      position: d.position,
      replay: d.replay,
    };
  });
  return db.transaction().execute(async (trx) => {
    await relaxedCommit(trx);
    const { rows } = await sql<{ subscription_id: string; event_id: string; status: AttemptStatus }>`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS i(
          subscription_id uuid, event_id uuid, token uuid, status text, attempt int,
          next_attempt_at timestamptz, response_code int, duration_ms int, error text,
          event_type text, position bigint, replay int)
      ),
      upd AS (
        UPDATE webhook_deliveries d
        SET status = i.status, attempts = i.attempt,
            next_attempt_at = coalesce(i.next_attempt_at, d.next_attempt_at),
            delivered_at = CASE WHEN i.status = 'delivered' THEN ${opts.now}::timestamptz END,
            claim_token = NULL, claimed_until = NULL
        FROM input i
        WHERE d.subscription_id = i.subscription_id AND d.event_id = i.event_id AND d.claim_token = i.token
        RETURNING d.subscription_id, d.event_id, d.replay, i.token
      )
      INSERT INTO webhook_attempts (subscription_id, event_id, event_type, position, attempt, replay, status,
                                    response_code, duration_ms, error, next_attempt_at, attempted_at)
      SELECT i.subscription_id, i.event_id, i.event_type, i.position, i.attempt, coalesce(u.replay, i.replay),
             CASE WHEN u.event_id IS NULL THEN 'superseded'
                  WHEN i.status = 'pending' THEN 'failed' ELSE i.status END,
             i.response_code, i.duration_ms, i.error,
             CASE WHEN u.event_id IS NOT NULL AND i.status = 'pending' THEN i.next_attempt_at END,
             ${opts.now}::timestamptz
      FROM input i
      LEFT JOIN upd u ON u.subscription_id = i.subscription_id AND u.event_id = i.event_id AND u.token = i.token
      RETURNING subscription_id, event_id, status`.execute(trx);
    const statuses = new Map(rows.map((r) => [`${r.subscription_id}/${r.event_id}`, r.status]));
    for (const { delivery: d, outcome } of results) {
      const status = statuses.get(`${d.subscription_id}/${d.event_id}`);
      if (outcome.responseCode === 410 && status && status !== 'superseded')
        await deactivateGone(trx, d.subscription_id, 'the receiver answered 410 Gone');
    }
    return statuses;
  });
}
