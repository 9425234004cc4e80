import type pino from 'pino';
import { prepareWebhookSecrets } from '../../events/webhook-secret-reseal.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { createServices, type Services } from '../../platform/services.ts';
import { isEmpty, seedDemo } from '../seed-demo.ts';

/**
 * What a start does once per database before serving, in one process (a single `serve`, or the
 * primary of `serve --workers`): migrations, webhook secrets sealed with the current key, the
 * bootstrap admin key (a generated one printed once), and the demo network on an empty database.
 */
export async function prepareDatabase(db: Db, config: Config, log: pino.Logger): Promise<Services> {
  const { applied } = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  await prepareWebhookSecrets(db, config, (level, message) => log[level](message));
  const services = createServices(db, config);
  const generated = await services.keys.bootstrapAdmin(config.adminKey);
  if (generated) {
    // Printed once, on stdout, so a newcomer can copy it; only its hash is stored.
    process.stdout.write(
      `\n  OrderGrid admin API key (shown once, store it now):\n\n    ${generated}\n\n  Use it as: curl -H "Authorization: Bearer ${generated}" http://localhost:${config.port}/v1/nodes\n\n`,
    );
  }
  if (config.demo && (await isEmpty(services))) log.info(await seedDemo(services), 'demo network seeded');
  return services;
}
