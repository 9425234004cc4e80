import type { Task } from 'graphile-worker';
import type pg from 'pg';

/**
 * A graphile-worker task that runs a long loop in one process at a time across instances: it holds a
 * session advisory lock on its own connection (freed if that connection dies), runs the loop with
 * that connection (e.g. for LISTEN) and then schedules its successor, since its own job key is still
 * locked. Extra jobs return at once. Pair it with `loopCron(name)` so a loop comes back within a
 * minute after an instance died holding it.
 */
export function exclusiveLoopTask(
  name: string,
  lockId: number,
  loop: (client: pg.PoolClient, signal: AbortSignal) => Promise<void>,
): Task {
  return async (_payload, helpers) => {
    const ran = await helpers.withPgClient(async (client) => {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockId]);
      if (!rows[0]?.ok) return false;
      try {
        await loop(client, helpers.abortSignal);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
      }
      return true;
    });
    if (ran && !helpers.abortSignal.aborted) await helpers.addJob(name, {}, { jobKey: name });
  };
}

/** The crontab line that re-creates a loop task every minute (a no-op while one is queued). */
export function loopCron(name: string): string {
  return `* * * * * ${name} ?max=1&jobKey=${name}&jobKeyMode=preserve_run_at`;
}
