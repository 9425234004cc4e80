import cluster from 'node:cluster';
import type { Command } from 'commander';
import pino from 'pino';
import { kickChannelFeedRefresh } from '../../channels/availability-feed-sync.ts';
import { StreamPublisher } from '../../events/stream-publisher.ts';
import { kickWebhookDispatch } from '../../events/webhook-tasks.ts';
import { startFulfilmentLoop } from '../../fulfilment/rerouting.ts';
import { warmDestinationIndex } from '../../network/destination-resolver.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { type OpenDatabase, openDatabase } from '../../platform/db/open-database.ts';
import type { AppInstance } from '../../platform/http/app-instance.ts';
import { buildApp } from '../../platform/http/build-app.ts';
import { isDatabaseUnavailable } from '../../platform/http/database-unavailable.ts';
import { type JobRunner, startJobRunner } from '../../platform/jobs/job-runner.ts';
import type { Services } from '../../platform/services.ts';
import { prepareDatabase } from './prepare-database.ts';
import { servePrimary, workerCount } from './serve-workers.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the API (PORT, default 8080). Uses DATABASE_URL, or starts an embedded PostgreSQL in ORDERGRID_DATA_DIR (default ./data). Applies migrations, seeds the demo network on an empty database (ORDERGRID_DEMO=false to skip), and prints a generated admin key on the first start unless ORDERGRID_ADMIN_KEY is set.',
    )
    .option(
      '--workers <n>',
      'Worker processes answering on the one port, each with its own availability index (ORDERGRID_WORKERS, default 1; see docs/scale-out.md)',
    )
    .action(async (options: { workers?: string }) => {
      await serve(options);
    });
}

export async function serve(options: { workers?: string } = {}): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const workers = cluster.isPrimary ? workerCount(options.workers) : 1;
  if (workers > 1) return servePrimary(config, log, workers);

  // Signals are handled from the first moment: a SIGTERM during start-up (migrations, seeding, job
  // schema) must still stop whatever has started, in order, and exit cleanly.
  let stopping = false;
  let database: OpenDatabase | undefined;
  let services: Services | undefined;
  let app: AppInstance | undefined;
  let jobs: JobRunner | undefined;
  // A SIGTERM can arrive while the runner is still starting: shutdown must wait for it and stop it
  // before the pool closes, or a job starting then would use an ended pool.
  let jobsStarting: Promise<JobRunner> | undefined;
  let stream: StreamPublisher | undefined;
  let timers: { stop(): Promise<void> } | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests');
    try {
      if (app) {
        // Stops accepting and waits for the requests in flight. A keep-alive connection whose request
        // finishes after this point would otherwise hold the close open until its idle timeout.
        const server = app.server;
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        await app.close().finally(() => clearInterval(sweep));
      }
      await timers?.stop();
      const runner = jobs ?? (await jobsStarting?.catch(() => undefined));
      await runner?.stop(); // lets running jobs finish
      await stream?.stop();
      await services?.availability.stop();
      await services?.policies.stop();
      await database?.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A background task of a library (graphile-worker recording a job's outcome) can reject, unhandled,
  // while the database is away. Losing the database must never end the process: it recovers when
  // the database is back. Anything else unhandled is a bug, and ends it as Node would.
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      log.warn({ err: reason }, 'a background task lost the database; continuing');
      return;
    }
    log.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });

  try {
    await start();
  } catch (err) {
    // A signal during start-up closes what started; the steps still in flight then fail harmlessly.
    if (stopping) return;
    throw err;
  }

  async function start(): Promise<void> {
    database = await openDatabase(config, (m) => log.info(m));
    if (stopping) return;
    const { db } = database.handle;
    services = await prepareDatabase(db, config, log);
    if (stopping) return;
    warmDestinationIndex();
    await services.availability.start(database.handle.pool.options, { log: (l, m, d) => log[l](d ?? {}, m) });
    // Every instance switches routing policy together when one is activated.
    await services.policies.start(database.handle.pool.options);

    app = await buildApp({
      services,
      logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] },
    });
    if (stopping) return;
    await app.listen({ port: config.port, host: config.host });
    log.info(`OrderGrid listening on http://${config.host}:${config.port} (database: ${database.where})`);
    if (config.worker) {
      const pool = database.handle.pool;
      jobsStarting = startJobRunner({
        pgPool: pool,
        db,
        log: (level, message) => log[level](message),
        // Delivery and channel feeds start at once on boot and after the runner restarts (database loss).
        onStart: () =>
          Promise.all([kickWebhookDispatch(pool), kickChannelFeedRefresh(pool)]).then(() => undefined),
      });
      jobs = await jobsStarting;
    }
    if (stopping) return;
    if (config.natsUrl) {
      stream = new StreamPublisher({
        db,
        pool: database.handle.pool,
        natsUrl: config.natsUrl,
        log: (l, m) => log[l](m),
      });
      stream.start();
    }
    // Backorders, SLA expiry and node outages react within seconds (the cron job is the durable backstop).
    if (config.worker)
      timers = startFulfilmentLoop({ db, routing: services.routing }, 2_000, (m) => log.warn(m));
  }
}
