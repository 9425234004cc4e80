import type { Config } from '../config/config.ts';
import { createDb, type DbHandle, type PoolSettings } from './database.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface OpenDatabase {
  handle: DbHandle;
  /** "embedded" or the external server's host, for the start-up banner. */
  where: string;
  /** Closes the pool, then stops the embedded cluster if we started one. */
  close(): Promise<void>;
}

/**
 * The service's sessions: no statement runs longer than 2 minutes (the largest bulk feed takes
 * seconds), and a session stuck inside a transaction (a frozen process, a cut network) gives its
 * row locks back after a minute instead of blocking every writer of those rows.
 */
const SERVICE_POOL: PoolSettings = { statementTimeoutMs: 120_000, idleInTransactionTimeoutMs: 60_000 };

/** DATABASE_URL when given; otherwise an embedded PostgreSQL with its files in ORDERGRID_DATA_DIR. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'>,
  log: (message: string) => void,
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const handle = createDb(config.databaseUrl, config.poolSize, SERVICE_POOL);
    return { handle, where: new URL(config.databaseUrl).host, close: () => handle.close() };
  }
  const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  const handle = createDb(cluster.connectionString, config.poolSize, SERVICE_POOL);
  return {
    handle,
    where: `embedded (${cluster.dataDir}, port ${cluster.port})`,
    async close() {
      await handle.close();
      await cluster.stop();
    },
  };
}
