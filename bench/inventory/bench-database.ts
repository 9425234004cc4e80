import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type DbHandle } from '../../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

export interface BenchDatabase {
  handle: DbHandle;
  where: string;
  drop(): Promise<void>;
}

/** The server the read side's bench uses too (see bench/availability/read-side.ts). */
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * A fresh migrated database for one bench run: on the server of BENCH_DATABASE_URL /
 * TEST_DATABASE_URL / BENCH_DATABASE_SERVER, else the local one (a database of our own, dropped
 * afterwards); with no server reachable, on a throwaway embedded cluster with default (durable)
 * settings.
 */
export async function openBenchDatabase(poolSize: number): Promise<BenchDatabase> {
  let serverUrl: string | undefined =
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    process.env.BENCH_DATABASE_SERVER ||
    LOCAL_SERVER;
  if (serverUrl === LOCAL_SERVER && !(await reachable(serverUrl))) serverUrl = undefined;
  let stopCluster: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!serverUrl) {
    dir = mkdtempSync(join(tmpdir(), 'ordergrid-bench-'));
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    serverUrl = cluster.connectionString;
    stopCluster = () => cluster.stop();
  }
  const name = `og_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString(), poolSize);
  await migrateToLatest(handle.db);
  return {
    handle,
    where: stopCluster ? 'embedded PostgreSQL' : url.host,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopCluster?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
