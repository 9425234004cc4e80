import pg from 'pg';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one benchmark run on the server in BENCH_DATABASE_URL (default: the local
 * PostgreSQL at 127.0.0.1:5432), dropped afterwards.
 */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `og_bench_${label}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
