import { quickAddJob, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../platform/db/database.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';

export const WEBHOOK_DISPATCH_TASK = 'webhooks-dispatch';
const DISPATCH_LOCK = 727_101;

/**
 * Webhook delivery as a graphile-worker job. The job runs the dispatcher loop for a minute and then
 * schedules its successor (a new job, since its own key is still locked); the crontab re-creates it
 * each minute in case an instance died holding it. One loop runs at a time (a session advisory lock,
 * freed when its connection dies); extra jobs return at once. Deliveries are leased rows, so even a
 * stale second loop cannot deliver an event twice.
 */
export function webhookTasks(db: Db): TaskList {
  return {
    [WEBHOOK_DISPATCH_TASK]: async (_payload, helpers) => {
      const ran = await helpers.withPgClient(async (client) => {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          DISPATCH_LOCK,
        ]);
        if (!rows[0]?.ok) return false;
        try {
          const dispatcher = new WebhookDispatcher({
            db,
            log: (level, message) => helpers.logger[level === 'warn' ? 'warn' : level](message),
          });
          await dispatcher.run({ signal: helpers.abortSignal, listenClient: client, maxRunMs: 60_000 });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [DISPATCH_LOCK]);
        }
        return true;
      });
      if (ran && !helpers.abortSignal.aborted)
        await helpers.addJob(WEBHOOK_DISPATCH_TASK, {}, { jobKey: WEBHOOK_DISPATCH_TASK });
    },
  };
}

/** The crontab line that keeps a dispatcher job alive. */
export const WEBHOOK_CRON = `* * * * * ${WEBHOOK_DISPATCH_TASK} ?max=1&jobKey=${WEBHOOK_DISPATCH_TASK}&jobKeyMode=preserve_run_at`;

/** Starts delivery at once on boot rather than at the next minute. */
export async function kickWebhookDispatch(pgPool: pg.Pool): Promise<void> {
  await quickAddJob({ pgPool }, WEBHOOK_DISPATCH_TASK, {}, { jobKey: WEBHOOK_DISPATCH_TASK });
}
