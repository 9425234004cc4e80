import { randomUUID } from 'node:crypto';
import { Logger, parseCrontab, quickAddJob, runOnce } from 'graphile-worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRUNE_TASK, pruneDeliveries, pruningTasks } from '../../src/events/delivery-pruning.ts';
import { CRONTAB } from '../../src/platform/jobs/task-list.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** One subscription with deliveries and log entries of every kind and age; returns its id. */
async function seed(): Promise<string> {
  const db = database.db;
  const sub = randomUUID();
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: sub,
      url: 'http://127.0.0.1:1/x',
      event_types: ['*'],
      description: null,
      secret: 'x',
      disabled_reason: null,
    })
    .execute();
  const rows = [
    { key: 'old-delivered', status: 'delivered', at: ago(40) },
    { key: 'old-delivered-2', status: 'delivered', at: ago(31) },
    { key: 'old-delivered-3', status: 'delivered', at: ago(30.5) },
    { key: 'new-delivered', status: 'delivered', at: ago(29) },
    { key: 'old-pending', status: 'pending', at: null },
    { key: 'old-dead', status: 'dead', at: null },
  ] as const;
  for (const [i, r] of rows.entries()) {
    const eventId = randomUUID();
    await db
      .insertInto('webhook_deliveries')
      .values({
        subscription_id: sub,
        event_id: eventId,
        position: i + 1,
        event_type: r.key,
        aggregate_type: 'order',
        aggregate_id: r.key,
        status: r.status,
        next_attempt_at: ago(45),
        first_attempt_at: ago(45),
        claim_token: null,
        claimed_until: null,
        delivered_at: r.at,
        created_at: ago(45),
      })
      .execute();
    for (const days of [45, 20]) {
      await db
        .insertInto('webhook_attempts')
        .values({
          subscription_id: sub,
          event_id: eventId,
          event_type: r.key,
          position: i + 1,
          attempt: 1,
          replay: days === 45 ? 0 : 1,
          status: 'failed',
          response_code: 500,
          duration_ms: 3,
          error: null,
          next_attempt_at: null,
          attempted_at: ago(days),
        })
        .execute();
    }
  }
  return sub;
}

async function left(sub: string) {
  const deliveries = await database.db
    .selectFrom('webhook_deliveries')
    .select('event_type')
    .where('subscription_id', '=', sub)
    .orderBy('position')
    .execute();
  const attempts = await database.db
    .selectFrom('webhook_attempts')
    .select('attempted_at')
    .where('subscription_id', '=', sub)
    .execute();
  return {
    deliveries: deliveries.map((d) => d.event_type),
    attempts: attempts.map((a) => a.attempted_at.getTime()),
  };
}

describe('pruning delivered webhook deliveries and the delivery log', () => {
  it('deletes only delivered rows and log entries past the retention, in batches, and then nothing', async () => {
    const sub = await seed();
    expect(await pruneDeliveries(database.db, { now, retentionDays: 0 })).toEqual({
      deliveries: 0,
      attempts: 0,
    });
    const report = await pruneDeliveries(database.db, { now, retentionDays: 30, batch: 2 });
    expect(report).toEqual({ deliveries: 3, attempts: 6 });
    const after = await left(sub);
    expect(after.deliveries).toEqual(['new-delivered', 'old-pending', 'old-dead']);
    expect(after.attempts.every((t) => t === ago(20).getTime())).toBe(true);
    expect(after.attempts).toHaveLength(6);
    expect(await pruneDeliveries(database.db, { now, retentionDays: 30, batch: 2 })).toEqual({
      deliveries: 0,
      attempts: 0,
    });
  });

  it('runs as a scheduled graphile-worker job, and the crontab names it', async () => {
    const parsed = parseCrontab(CRONTAB);
    expect(parsed.some((c) => c.task === PRUNE_TASK)).toBe(true);
    const sub = await seed();
    // Real time: the seeded rows are dated around 2026-06; shift them to before the default retention.
    await database.db
      .updateTable('webhook_deliveries')
      .set({ delivered_at: new Date(Date.now() - 60 * DAY) })
      .where('subscription_id', '=', sub)
      .where('status', '=', 'delivered')
      .execute();
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      await quickAddJob({ pgPool: pool }, PRUNE_TASK, {}, { jobKey: PRUNE_TASK });
      await quickAddJob({ pgPool: pool }, PRUNE_TASK, {}, { jobKey: PRUNE_TASK }); // one job per key
      await runOnce({
        pgPool: pool,
        taskList: pruningTasks(database.db),
        noHandleSignals: true,
        logger: new Logger(() => () => undefined),
      });
      expect((await left(sub)).deliveries).toEqual(['old-pending', 'old-dead']);
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'webhooks-prune'",
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
