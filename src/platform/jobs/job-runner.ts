import { Logger, type Runner, run, runMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { isDatabaseUnavailable } from '../http/database-unavailable.ts';
import { buildTaskList, CRONTAB } from './task-list.ts';

export interface JobRunner {
  /** Finishes the jobs in flight and stops polling; the pool is the caller's to close afterwards. */
  stop(): Promise<void>;
  /** How many times the runner was started again after stopping on its own (database loss). */
  readonly restarts: number;
}

export type JobLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

export interface JobRunnerOptions {
  pgPool: pg.Pool;
  db: Db;
  log?: JobLog;
  concurrency?: number;
  /** Called after every (re)start, e.g. to queue the jobs that should run at once. */
  onStart?: () => Promise<void>;
  /** Backoff between restart attempts after the runner stopped on its own: first and largest delay. */
  restartMinMs?: number;
  restartMaxMs?: number;
}

/**
 * Starts graphile-worker on our pool: its schema is migrated first (safe from several processes),
 * then the task list and the crontab run. Signals are ours to handle (serve's shutdown).
 *
 * graphile-worker shuts its pool down when a worker cannot record a job's outcome (the database
 * went away mid-job). Jobs must run again once the database is back, so a runner that stops
 * without being asked to is started again, with backoff, until it succeeds or `stop()` is called.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const log = options.log ?? (() => undefined);
  const minMs = options.restartMinMs ?? 500;
  const maxMs = options.restartMaxMs ?? 10_000;
  const logger = new Logger(() => (level, message) => {
    const mapped =
      level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log(mapped, message);
  });
  let current: Runner | undefined;
  let stopping = false;
  let attempt = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let launching: Promise<void> | undefined;

  const launch = async (): Promise<void> => {
    await runMigrations({ pgPool: options.pgPool, logger });
    const runner = await run({
      pgPool: options.pgPool,
      taskList: buildTaskList(options.db),
      crontab: CRONTAB,
      // Two slots are held by the long webhook and channel-feed loops; the rest serve timers and cron.
      concurrency: options.concurrency ?? 4,
      noHandleSignals: true,
      pollInterval: 2_000,
      // On shutdown running jobs finish; the long-lived ones (the webhook loop) are told to wrap up
      // at once, finish their sends in flight and return, rather than after graphile's default 5 s.
      gracefulShutdownAbortTimeout: 250,
      logger,
    });
    current = runner;
    if (stopping) return;
    runner.promise.then(
      () => ended(runner),
      (err: unknown) => ended(runner, err),
    );
    await options
      .onStart?.()
      .catch((err: unknown) => log('warn', `job runner start hook failed: ${String(err)}`));
  };

  const ended = (runner: Runner, err?: unknown) => {
    if (stopping || runner !== current) return;
    log('warn', `job runner stopped on its own${err ? ` (${String(err)})` : ''}; restarting`);
    schedule();
  };

  const schedule = () => {
    const delay = Math.min(maxMs, minMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
    attempt++;
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      launching = launch();
      launching.then(
        () => {
          attempt = 0;
          restarts++;
          log('info', 'job runner restarted');
        },
        (error: unknown) => {
          log('warn', `job runner restart failed: ${String(error)}; retrying`);
          if (!stopping) schedule();
        },
      );
    }, delay);
    timer.unref();
  };

  launching = launch();
  try {
    await launching;
  } catch (err) {
    // The database went away during start-up: keep trying in the background, like after a loss.
    if (!isDatabaseUnavailable(err)) throw err;
    log('warn', `job runner could not start (${String(err)}); retrying`);
    schedule();
  }
  return {
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await launching?.catch(() => undefined);
      // A runner that already stopped on its own has nothing to finish.
      await current?.stop().catch(() => undefined);
    },
  };
}
