import type { TaskList } from 'graphile-worker';
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config/config.ts';
import type { Db } from '../platform/db/database.ts';

export const PRUNE_TASK = 'webhooks-prune';
const PRUNE_LOCK = 727_301;
const DAY_MS = 86_400_000;

export interface PruneReport {
  deliveries: number;
  attempts: number;
}

/**
 * Deletes delivered webhook deliveries and delivery-log entries older than the retention, in
 * batches (short transactions, no long locks). Pending and dead deliveries stay whatever their age
 * (they still need delivery or attention); the outbox itself is never pruned, so a replay can still
 * reach any event. `retentionDays` 0 keeps everything.
 */
export async function pruneDeliveries(
  db: Db,
  opts: { now: Date; retentionDays: number; batch?: number },
): Promise<PruneReport> {
  const report: PruneReport = { deliveries: 0, attempts: 0 };
  if (opts.retentionDays <= 0) return report;
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * DAY_MS);
  const batch = opts.batch ?? 5_000;
  for (;;) {
    const r = await sql`
      DELETE FROM webhook_deliveries WHERE (subscription_id, event_id) IN (
        SELECT subscription_id, event_id FROM webhook_deliveries
        WHERE status = 'delivered' AND delivered_at < ${cutoff} LIMIT ${batch})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    report.deliveries += n;
    if (n < batch) break;
  }
  for (;;) {
    // The log is appended in attempt order, so the old entries are the first ids: no extra index.
    const r = await sql`
      DELETE FROM webhook_attempts WHERE id IN (
        SELECT id FROM webhook_attempts WHERE attempted_at < ${cutoff} ORDER BY id LIMIT ${batch})`.execute(
      db,
    );
    const n = Number(r.numAffectedRows ?? 0);
    report.attempts += n;
    if (n < batch) break;
  }
  return report;
}

/** The hourly pruning job: one run at a time across instances (an advisory lock), others skip. */
export function pruningTasks(db: Db): TaskList {
  return {
    [PRUNE_TASK]: async (_payload, helpers) => {
      await helpers.withPgClient(async (client) => {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          PRUNE_LOCK,
        ]);
        if (!rows[0]?.ok) return;
        try {
          const report = await pruneDeliveries(db, {
            now: new Date(),
            retentionDays: loadConfig().retentionDays,
          });
          if (report.deliveries + report.attempts > 0)
            helpers.logger.info(
              `pruned ${report.deliveries} delivered webhook deliveries, ${report.attempts} log entries`,
            );
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK]);
        }
      });
    },
  };
}

export const PRUNE_CRON = `17 * * * * ${PRUNE_TASK} ?max=1&jobKey=${PRUNE_TASK}`;

/** 0066: lets the pruning job find old delivered rows without scanning the queue. */
export const pruningMigrations: Record<string, Migration> = {
  '0066-webhook-deliveries-delivered-at': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE INDEX webhook_deliveries_delivered ON webhook_deliveries (delivered_at)
          WHERE status = 'delivered'`.execute(db);
    },
  },
};
