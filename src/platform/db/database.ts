import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StatementNamer, usePreparedStatements } from './prepared-statements.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

// int8 (counts, positions) as numbers: none of ours come near 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface PoolSettings {
  /** Server-side cap of one statement (statement_timeout); none by default. */
  statementTimeoutMs?: number;
  /** A session idle inside a transaction longer than this is ended, freeing its locks. */
  idleInTransactionTimeoutMs?: number;
}

export function createDb(connectionString: string, poolSize = 20, settings: PoolSettings = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Fail fast when the database is unreachable instead of queueing requests for ever.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A peer that vanished without closing (host down, network cut) is noticed in seconds, not hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'ordergrid',
    ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
    ...(settings.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs }
      : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  // Same for a checked-out client (graphile-worker checks that these handlers exist).
  pool.on('connect', (client) => client.on('error', () => undefined));
  if (process.env.DATABASE_PREPARED_STATEMENTS !== 'false') {
    const namer = new StatementNamer();
    pool.on('connect', (client) => usePreparedStatements(client, namer));
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}
