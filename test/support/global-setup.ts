import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/platform/db/database.ts';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the server (its maintenance database). */
    dbServerUrl: string;
    /** A migrated database that each test file copies (CREATE DATABASE ... TEMPLATE). */
    templateDb: string;
    /** Prefix of every database this run creates; all are dropped at the end. */
    runPrefix: string;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * One PostgreSQL per run: the server in TEST_DATABASE_URL when set, otherwise a throwaway embedded
 * cluster. A migrated template database is made once; every test file gets its own copy of it.
 */
export default async function setup(project: TestProject) {
  let cluster: EmbeddedCluster | undefined;
  let dir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dir = mkdtempSync(join(tmpdir(), 'ordergrid-test-'));
    cluster = await startEmbeddedPostgres({
      dataDir: join(dir, 'pg'),
      // Throwaway data: durability buys nothing here and costs seconds.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    serverUrl = cluster.connectionString;
  }
  const runPrefix = `og_test_${Date.now().toString(36)}_${process.pid}`;
  const templateDb = `${runPrefix}_template`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDb}`);
  await admin.end();

  const handle = createDb(withDatabase(serverUrl, templateDb), 2);
  await migrateToLatest(handle.db);
  await handle.close();

  project.provide('dbServerUrl', serverUrl);
  project.provide('templateDb', templateDb);
  project.provide('runPrefix', runPrefix);

  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${runPrefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    await client.end();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
