import { Logger, run, runMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { buildTaskList, CRONTAB } from './task-list.ts';

export interface JobRunner {
  /** Finishes the jobs in flight and stops polling; the pool is the caller's to close afterwards. */
  stop(): Promise<void>;
}

export type JobLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

export interface JobRunnerOptions {
  pgPool: pg.Pool;
  db: Db;
  log?: JobLog;
  concurrency?: number;
}

/**
 * Starts graphile-worker on our pool: its schema is migrated first (safe from several processes),
 * then the task list and the crontab run. Signals are ours to handle (serve's shutdown).
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const log = options.log ?? (() => undefined);
  const logger = new Logger(() => (level, message) => {
    const mapped =
      level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log(mapped, message);
  });
  await runMigrations({ pgPool: options.pgPool, logger });
  const runner = await run({
    pgPool: options.pgPool,
    taskList: buildTaskList(options.db),
    crontab: CRONTAB,
    concurrency: options.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 2_000,
    logger,
  });
  return { stop: () => runner.stop() };
}
