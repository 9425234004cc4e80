import type { Config } from '../config/config.ts';
import { createDb, type DbHandle } from './database.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface OpenDatabase {
  handle: DbHandle;
  /** "embedded" or the external server's host, for the start-up banner. */
  where: string;
  /** Closes the pool, then stops the embedded cluster if we started one. */
  close(): Promise<void>;
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL with its files in ORDERGRID_DATA_DIR. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'>,
  log: (message: string) => void,
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const handle = createDb(config.databaseUrl, config.poolSize);
    return { handle, where: new URL(config.databaseUrl).host, close: () => handle.close() };
  }
  const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  const handle = createDb(cluster.connectionString, config.poolSize);
  return {
    handle,
    where: `embedded (${cluster.dataDir}, port ${cluster.port})`,
    async close() {
      await handle.close();
      await cluster.stop();
    },
  };
}
