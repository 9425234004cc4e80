import cluster, { type Worker } from 'node:cluster';
import type pino from 'pino';
import type { Config } from '../../platform/config/config.ts';
import { type OpenDatabase, openDatabase } from '../../platform/db/open-database.ts';
import { prepareDatabase } from './prepare-database.ts';

/** Worker processes for one instance: ORDERGRID_WORKERS, or `ordergrid serve --workers N`. */
export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = flag ?? env.ORDERGRID_WORKERS ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`the worker count must be an integer from 1 to 64 (got "${raw}")`);
  return n;
}

/**
 * The primary of a multi-process instance: it prepares the database once (migrations, the admin
 * key, the demo seed; an embedded PostgreSQL lives here), then forks `count` workers that each run
 * the whole API with their own availability index, kept fresh by notifications like any instance's
 * (docs/scale-out.md). Connections are handed to the workers in turn by node:cluster. Only the
 * first worker runs background work and the NATS publisher. A worker that dies is replaced; on
 * SIGTERM or SIGINT every worker drains and stops, then the primary exits 0 (1 if a worker's
 * shutdown failed).
 */
export async function servePrimary(config: Config, log: pino.Logger, count: number): Promise<void> {
  let stopping = false;
  let database: OpenDatabase | undefined;
  const exits = new Map<Worker, Promise<number>>();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: exits.size }, 'shutting down: stopping the workers');
    for (const worker of exits.keys()) if (!worker.isDead()) worker.process.kill('SIGTERM');
    // A worker drains its requests first; one that hangs past a minute is killed.
    const force = setTimeout(() => {
      for (const worker of exits.keys()) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, 60_000);
    const codes = await Promise.all(exits.values());
    clearTimeout(force);
    try {
      await database?.close();
    } catch (err) {
      log.error({ err }, 'closing the database failed');
      process.exit(1);
    }
    log.info({ codes }, 'stopped');
    process.exit(codes.every((c) => c === 0) ? 0 : 1);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  database = await openDatabase(config, (m) => log.info(m));
  if (stopping) return;
  const { db } = database.handle;
  await prepareDatabase(db, config, log);
  if (stopping) return;

  const databaseUrl = config.databaseUrl ?? database.handle.pool.options.connectionString;
  const fork = (index: number) => {
    const worker = cluster.fork({
      DATABASE_URL: databaseUrl,
      ORDERGRID_DEMO: 'false', // seeded above, once
      ORDERGRID_WORKER: index === 0 && config.worker ? 'true' : 'false',
      NATS_URL: index === 0 ? (config.natsUrl ?? '') : '',
      ORDERGRID_WORKER_INDEX: String(index),
    });
    const started = Date.now();
    exits.set(
      worker,
      new Promise<number>((resolve) =>
        worker.once('exit', (code, signal) => {
          const status = code ?? (signal ? 1 : 0);
          if (stopping) return resolve(status);
          exits.delete(worker);
          log.error({ worker: index, code, signal }, 'worker exited; starting another');
          // A worker failing at once (a bad setting) must not be restarted in a tight loop.
          setTimeout(() => !stopping && fork(index), Date.now() - started < 5_000 ? 5_000 : 100);
          resolve(status);
        }),
      ),
    );
  };
  for (let i = 0; i < count; i++) fork(i);
  log.info(`OrderGrid primary ${process.pid}: ${count} worker processes on port ${config.port}`);
}
