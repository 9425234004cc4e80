import type { Command } from 'commander';
import { loadConfig } from '../../platform/config/config.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { type OpenDatabase, openDatabase } from '../../platform/db/open-database.ts';
import { createServices, type Services } from '../../platform/services.ts';
import { seedDemo } from '../seed-demo.ts';

/** Opens the configured database, migrates it, runs `work`, and always closes it again. */
export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let database: OpenDatabase | undefined;
  try {
    database = await openDatabase(config, (m) => process.stderr.write(`${m}\n`));
    await migrateToLatest(database.handle.db);
    return await work(createServices(database.handle.db, config));
  } finally {
    await database?.close();
  }
}

export function registerDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (also done by serve at start) and exit.')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config, (m) => process.stderr.write(`${m}\n`));
      try {
        const { applied } = await migrateToLatest(database.handle.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await database.close();
      }
    });

  program
    .command('seed')
    .description(
      'Load the demo network: distribution centres and stores in real US cities, 200+ items, stock.',
    )
    .option('--seed <n>', 'random seed for the generated data', '42')
    .action(async (opts: { seed: string }) => {
      const report = await withServices((services) => seedDemo(services, Number(opts.seed)));
      console.log(`seeded ${report.nodes} nodes, ${report.items} items, ${report.stockRows} stock positions`);
    });
}
