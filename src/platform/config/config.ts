import { resolve } from 'node:path';

/** Every setting OrderGrid reads from the environment; README lists them all. */
export interface Config {
  /** HTTP port (PORT, default 8080). */
  port: number;
  /** Interface to bind (HOST, default 0.0.0.0). */
  host: string;
  /** External PostgreSQL; when absent an embedded cluster is started under dataDir. */
  databaseUrl: string | undefined;
  /** Where the embedded cluster keeps its files (ORDERGRID_DATA_DIR, default ./data). */
  dataDir: string;
  /** Bootstrap admin key (ORDERGRID_ADMIN_KEY); without it the first start prints a generated one. */
  adminKey: string | undefined;
  /** pino level (LOG_LEVEL, default info). */
  logLevel: string;
  /** Seed the demo network when the database is empty (ORDERGRID_DEMO, default true). */
  demo: boolean;
  /** Size of the PostgreSQL connection pool per process (DATABASE_POOL_SIZE, default 20). */
  poolSize: number;
  /** Run background jobs in this process (ORDERGRID_WORKER, default true). */
  worker: boolean;
  /** NATS server with JetStream to publish every event to (NATS_URL); unset = no stream. */
  natsUrl: string | undefined;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int('PORT', env.PORT, 8080),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.ORDERGRID_DATA_DIR || './data'),
    adminKey: env.ORDERGRID_ADMIN_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    demo: bool(env.ORDERGRID_DEMO, true),
    poolSize: int('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, 20),
    worker: bool(env.ORDERGRID_WORKER, true),
    natsUrl: env.NATS_URL || undefined,
  };
}
