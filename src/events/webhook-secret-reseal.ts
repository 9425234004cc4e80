import type { Kysely, Migration } from 'kysely';
import type { Config } from '../platform/config/config.ts';
import type { Db } from '../platform/db/database.ts';
import { openSecret, sealedWith, sealSecret } from './webhook-secret.ts';
import { activeKeyring, resolveKeyring, type SecretKeyring, useKeyring } from './webhook-secret-key.ts';

export interface ResealReport {
  /** Secrets (re-)encrypted with the current key. */
  sealed: number;
  /** Secrets this keyring cannot open (sealed with a key it lacks): left as they are. */
  unreadable: number;
}

/**
 * Encrypts every secret stored in clear, and re-encrypts those sealed with an older key, with the
 * current key: at start-up and by migration 0065. Each row is replaced only if it still holds what
 * was read, so instances doing this together are harmless. The secret itself does not change, so
 * no event is written.
 */
export async function resealSecrets(db: Db, keyring: SecretKeyring): Promise<ResealReport> {
  const rows = await db.selectFrom('webhook_subscriptions').select(['id', 'secret']).execute();
  const report: ResealReport = { sealed: 0, unreadable: 0 };
  for (const row of rows) {
    if (sealedWith(row.secret) === keyring.current.id) continue;
    let plain: string;
    try {
      plain = openSecret(row.secret, row.id, keyring);
    } catch {
      report.unreadable++;
      continue;
    }
    const done = await db
      .updateTable('webhook_subscriptions')
      .set({ secret: sealSecret(plain, row.id, keyring) })
      .where('id', '=', row.id)
      .where('secret', '=', row.secret)
      .executeTakeFirst();
    report.sealed += Number(done.numUpdatedRows);
  }
  return report;
}

/**
 * 0065 (integrations range): webhook secrets were stored in clear; encrypt them. It runs with the
 * key the process was given (ORDERGRID_SECRET_KEY or the embedded key file, which `serve` resolves
 * before migrating) and never with a throwaway per-process key; rows it cannot seal now stay
 * readable in clear and are sealed at the next start that has a key.
 */
export const secretMigrations: Record<string, Migration> = {
  '0065-webhook-secrets-sealed': {
    async up(db: Kysely<unknown>) {
      const keyring = activeKeyring();
      if (keyring && keyring.source !== 'process') await resealSecrets(db as unknown as Db, keyring);
    },
  },
};

/**
 * At start-up (`serve`, after migrating): find this instance's key, use it for the process, and
 * seal what is still in clear or under an older key. Says loudly when there is no key.
 */
export async function prepareWebhookSecrets(
  db: Db,
  config: Pick<Config, 'secretKey' | 'secretKeyPrevious' | 'databaseUrl' | 'dataDir'>,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<void> {
  const { keyring, warning } = await resolveKeyring(config);
  useKeyring(keyring);
  if (warning) log('warn', warning);
  if (!keyring) return;
  const report = await resealSecrets(db, keyring);
  log(
    'info',
    `webhook secrets: key ${keyring.current.id} from the ${keyring.source}; ${report.sealed} sealed now`,
  );
  if (report.unreadable > 0)
    log(
      'warn',
      `${report.unreadable} webhook secrets are sealed with a key this instance lacks (ORDERGRID_SECRET_KEY_PREVIOUS)`,
    );
}
