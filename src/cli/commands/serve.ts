import type { Command } from 'commander';
import pino from 'pino';
import { warmDestinationIndex } from '../../network/destination-resolver.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { openDatabase } from '../../platform/db/open-database.ts';
import { buildApp } from '../../platform/http/build-app.ts';
import { createServices } from '../../platform/services.ts';
import { isEmpty, seedDemo } from '../seed-demo.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the API (PORT, default 8080). Uses DATABASE_URL, or starts an embedded PostgreSQL in ORDERGRID_DATA_DIR (default ./data). Applies migrations, seeds the demo network on an empty database (ORDERGRID_DEMO=false to skip), and prints a generated admin key on the first start unless ORDERGRID_ADMIN_KEY is set.',
    )
    .action(async () => {
      await serve();
    });
}

export async function serve(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const database = await openDatabase(config, (m) => log.info(m));
  const { db } = database.handle;
  const { applied } = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const services = createServices(db, config);

  const generated = await services.keys.bootstrapAdmin(config.adminKey);
  if (generated) {
    // Printed once, on stdout, so a newcomer can copy it; only its hash is stored.
    process.stdout.write(
      `\n  OrderGrid admin API key (shown once, store it now):\n\n    ${generated}\n\n  Use it as: curl -H "Authorization: Bearer ${generated}" http://localhost:${config.port}/v1/nodes\n\n`,
    );
  }
  if (config.demo && (await isEmpty(services))) {
    const report = await seedDemo(services);
    log.info(report, 'demo network seeded');
  }
  warmDestinationIndex();

  const app = await buildApp({
    services,
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] },
  });
  await app.listen({ port: config.port, host: config.host });
  log.info(`OrderGrid listening on http://${config.host}:${config.port} (database: ${database.where})`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests');
    try {
      await app.close(); // stops accepting, waits for requests in flight
      await database.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
