import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError, type FieldProblem } from '../platform/errors/app-error.ts';
import type { WebhookSubscriptionsTable } from './delivery-tables.ts';
import { appendEvent } from './outbox.ts';
import { filterProblem } from './webhook-filters.ts';
import type { Webhook, WebhookInput, WebhookPatch } from './webhook-schema.ts';
import { generateSecret, openSecret, sealSecret, secretProblem } from './webhook-secret.ts';

export type WebhookRow = Selectable<WebhookSubscriptionsTable>;

/** The public view: never the secret. */
export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    active: row.active,
    disabledReason: row.disabled_reason,
    cursor: Number(row.cursor),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function urlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must use http or https';
  if (u.username || u.password) return 'must not contain credentials';
  return undefined;
}

/** Refuses the whole request, naming every bad field, before anything is written. */
function validate(input: Partial<WebhookInput>): void {
  const errors: FieldProblem[] = [];
  if (input.url !== undefined) {
    const p = urlProblem(input.url);
    if (p) errors.push({ pointer: '/url', detail: p, in: 'body' });
  }
  input.eventTypes?.forEach((f, i) => {
    const p = filterProblem(f);
    if (p) errors.push({ pointer: `/eventTypes/${i}`, detail: p, in: 'body' });
  });
  if (input.secret !== undefined) {
    const p = secretProblem(input.secret);
    if (p) errors.push({ pointer: '/secret', detail: p, in: 'body' });
  }
  const first = errors[0];
  if (first) throw new AppError('invalid-webhook', `${first.pointer} ${first.detail}`, { errors });
}

function notFound(id: string): AppError {
  return new AppError('webhook-not-found', `Webhook ${id} does not exist`);
}

const event = (type: string, id: string, payload: unknown, actor: string | null) => ({
  type,
  aggregateType: 'webhook',
  aggregateId: id,
  payload,
  actor,
});

export class WebhookService {
  constructor(private readonly db: Db) {}

  async list(): Promise<{ items: Webhook[] }> {
    const rows = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .orderBy('created_at')
      .execute();
    return { items: rows.map(toWebhook) };
  }

  async get(id: string): Promise<Webhook> {
    const row = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(id);
    return toWebhook(row);
  }

  /** Delivery starts with the events after the current end of the outbox (replay reaches back). */
  async create(input: WebhookInput, actor: string | null): Promise<{ webhook: Webhook; secret: string }> {
    validate(input);
    const secret = input.secret ?? generateSecret();
    const id = randomUUID();
    // Stored sealed (AES-256-GCM); refused with secret-key-missing when this instance has no key.
    const sealed = sealSecret(secret, id);
    return this.db.transaction().execute(async (trx) => {
      const top = await trx
        .selectFrom('events')
        .select((eb) => eb.fn.max('position').as('max'))
        .executeTakeFirst();
      const row = await trx
        .insertInto('webhook_subscriptions')
        .values({
          id,
          url: input.url,
          event_types: input.eventTypes,
          description: input.description ?? null,
          secret: sealed,
          active: input.active ?? true,
          disabled_reason: null,
          cursor: Number(top?.max ?? 0),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const webhook = toWebhook(row);
      await appendEvent(trx, event('webhook.created', row.id, webhook, actor));
      return { webhook, secret };
    });
  }

  /** A PATCH that changes nothing writes no event. A new secret takes effect for the next attempt. */
  async patch(id: string, patch: WebhookPatch, actor: string | null): Promise<Webhook> {
    validate(patch);
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('webhook_subscriptions')
        .selectAll()
        .where('id', '=', id)
        .forNoKeyUpdate()
        .executeTakeFirst();
      if (!before) throw notFound(id);
      const next = {
        url: patch.url ?? before.url,
        event_types: patch.eventTypes ?? before.event_types,
        description: patch.description !== undefined ? patch.description : before.description,
        secret: before.secret,
        active: patch.active ?? before.active,
      };
      // Sealing is randomised: compare the secret in clear, and seal a new one only when it differs.
      const newSecret = patch.secret !== undefined && patch.secret !== openSecret(before.secret, id);
      if (newSecret) next.secret = sealSecret(patch.secret as string, id);
      const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
      );
      if (changed.length === 0) return toWebhook(before);
      const after = await trx
        .updateTable('webhook_subscriptions')
        .set({
          ...next,
          disabled_reason: next.active ? null : before.disabled_reason,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const webhook = toWebhook(after);
      const names = changed.map((k) => (k === 'event_types' ? 'eventTypes' : k));
      await appendEvent(trx, event('webhook.updated', id, { webhook, changed: names }, actor));
      return webhook;
    });
  }

  async delete(id: string, actor: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('webhook_subscriptions')
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (!gone) throw notFound(id);
      await appendEvent(trx, event('webhook.deleted', id, { id }, actor));
    });
  }

  /**
   * Queues every matching event from `fromPosition` up to the subscription's cursor for delivery
   * again, with the same event ids: delivered and dead ones are reset, missing ones (before the
   * subscription existed) added. Later events keep flowing as usual.
   */
  async replay(id: string, fromPosition: number, actor: string | null, now = new Date()): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const sub = await trx
        .selectFrom('webhook_subscriptions')
        .select(['cursor', 'event_types'])
        .where('id', '=', id)
        .forNoKeyUpdate()
        .executeTakeFirst();
      if (!sub) throw notFound(id);
      const reset = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: 'pending',
          attempts: 0,
          replay: eb('replay', '+', 1),
          next_attempt_at: now,
          claim_token: null,
          claimed_until: null,
          delivered_at: null,
        }))
        .where('subscription_id', '=', id)
        .where('position', '>=', fromPosition)
        .where('position', '<=', sub.cursor)
        .executeTakeFirst();
      // Filters use only [a-z0-9.-] and a trailing "*", so they map onto LIKE patterns safely.
      const patterns = sub.event_types.map((f) => (f === '*' ? '%' : f.replace(/\*$/, '%')));
      const added = await sql`
        INSERT INTO webhook_deliveries
          (subscription_id, event_id, position, event_type, aggregate_type, aggregate_id, next_attempt_at, replay)
        SELECT ${id}, e.id, e.position, e.type, e.aggregate_type, e.aggregate_id, ${now}, 0
        FROM events e
        WHERE e.position >= ${fromPosition} AND e.position <= ${sub.cursor}
          AND e.type LIKE ANY (${patterns}::text[])
        ON CONFLICT (subscription_id, event_id) DO NOTHING`.execute(trx);
      const queued = Number(reset.numUpdatedRows) + Number(added.numAffectedRows ?? 0);
      await appendEvent(trx, event('webhook.replayed', id, { id, fromPosition, queued }, actor));
      return queued;
    });
  }

  /** The target of a test message, with the secret in clear (never returned to a client). */
  async secretAndUrl(id: string): Promise<{ url: string; secret: string }> {
    const row = await this.db
      .selectFrom('webhook_subscriptions')
      .select(['url', 'secret'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(id);
    return { url: row.url, secret: openSecret(row.secret, id) };
  }

  /**
   * Replaces the signing secret with a generated one and returns it: the only way to see a secret
   * after creation. One `webhook.updated` event (changed: secret, never the value); the next
   * attempt is signed with the new secret.
   */
  async rotateSecret(id: string, actor: string | null): Promise<{ webhook: Webhook; secret: string }> {
    const secret = generateSecret();
    const sealed = sealSecret(secret, id);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_subscriptions')
        .set((eb) => ({ secret: sealed, version: eb('version', '+', 1), updated_at: new Date() }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound(id);
      const webhook = toWebhook(row);
      await appendEvent(trx, event('webhook.updated', id, { webhook, changed: ['secret'] }, actor));
      return { webhook, secret };
    });
  }
}

/**
 * A receiver that answers 410 Gone asks us to stop: the subscription is deactivated (one event),
 * its queue kept, so re-activating it resumes where it stopped.
 */
export async function deactivateGone(trx: Db, id: string, reason: string): Promise<void> {
  const row = await trx
    .updateTable('webhook_subscriptions')
    .set((eb) => ({
      active: false,
      disabled_reason: reason,
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
  if (row)
    await appendEvent(
      trx,
      event('webhook.updated', id, { webhook: toWebhook(row), changed: ['active'] }, null),
    );
}
