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
  /** Encrypts webhook secrets at rest (ORDERGRID_SECRET_KEY: 32 bytes, base64 or hex; docs/webhooks.md). */
  secretKey: string | undefined;
  /** Older keys still accepted for reading, comma-separated (ORDERGRID_SECRET_KEY_PREVIOUS). */
  secretKeyPrevious: string[];
  /** Delivered webhook deliveries and the attempt log are pruned after (ORDERGRID_RETENTION_DAYS, default 30). */
  retentionDays: number;
  /** Per-instance request limits; 0 turns one off (docs/security.md). */
  rateLimit: RateLimitSettings;
  /** HTTP size limits and timeouts (docs/security.md). */
  http: HttpSettings;
}

export interface RateLimitSettings {
  /** Length of one counting window (RATE_LIMIT_WINDOW_MS, default 1000). */
  windowMs: number;
  /** Requests per window per API key, by role (RATE_LIMIT_ADMIN, _INTEGRATION, _ASSOCIATE, _VIEWER). */
  perRole: Record<'admin' | 'integration' | 'associate' | 'viewer', number>;
  /** Requests per window per client IP on public routes other than /health and /ready (RATE_LIMIT_ANONYMOUS). */
  anonymous: number;
  /** Failed authentications per client IP per failedAuthWindowMs (RATE_LIMIT_FAILED_AUTH, default 600). */
  failedAuth: number;
  /** RATE_LIMIT_FAILED_AUTH_WINDOW_MS, default 60000. */
  failedAuthWindowMs: number;
}

export interface HttpSettings {
  /** Largest request body by default (HTTP_BODY_LIMIT bytes, default 1 MiB); bulk feeds set their own. */
  bodyLimit: number;
  /** Largest request head (HTTP_MAX_HEADER_BYTES, default 16384); beyond it a 431. */
  maxHeaderBytes: number;
  /** Whole request (head and body) must arrive within (HTTP_REQUEST_TIMEOUT_MS, default 30000); else 408. */
  requestTimeoutMs: number;
  /** The head must arrive within (HTTP_HEADERS_TIMEOUT_MS, default 10000): slow-header clients are cut off. */
  headersTimeoutMs: number;
  /** Idle keep-alive connections close after (HTTP_KEEP_ALIVE_TIMEOUT_MS, default 72000). */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after (HTTP_CONNECTION_TIMEOUT_MS, default 300000). */
  connectionTimeoutMs: number;
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
    secretKey: env.ORDERGRID_SECRET_KEY || undefined,
    secretKeyPrevious: (env.ORDERGRID_SECRET_KEY_PREVIOUS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    retentionDays: int('ORDERGRID_RETENTION_DAYS', env.ORDERGRID_RETENTION_DAYS, 30),
    rateLimit: {
      windowMs: int('RATE_LIMIT_WINDOW_MS', env.RATE_LIMIT_WINDOW_MS, 1_000),
      perRole: {
        admin: int('RATE_LIMIT_ADMIN', env.RATE_LIMIT_ADMIN, 50_000),
        integration: int('RATE_LIMIT_INTEGRATION', env.RATE_LIMIT_INTEGRATION, 50_000),
        associate: int('RATE_LIMIT_ASSOCIATE', env.RATE_LIMIT_ASSOCIATE, 2_000),
        viewer: int('RATE_LIMIT_VIEWER', env.RATE_LIMIT_VIEWER, 2_000),
      },
      anonymous: int('RATE_LIMIT_ANONYMOUS', env.RATE_LIMIT_ANONYMOUS, 2_000),
      failedAuth: int('RATE_LIMIT_FAILED_AUTH', env.RATE_LIMIT_FAILED_AUTH, 600),
      failedAuthWindowMs: int(
        'RATE_LIMIT_FAILED_AUTH_WINDOW_MS',
        env.RATE_LIMIT_FAILED_AUTH_WINDOW_MS,
        60_000,
      ),
    },
    http: {
      bodyLimit: int('HTTP_BODY_LIMIT', env.HTTP_BODY_LIMIT, 1_048_576),
      maxHeaderBytes: int('HTTP_MAX_HEADER_BYTES', env.HTTP_MAX_HEADER_BYTES, 16_384),
      requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', env.HTTP_REQUEST_TIMEOUT_MS, 30_000),
      headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', env.HTTP_HEADERS_TIMEOUT_MS, 10_000),
      keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', env.HTTP_KEEP_ALIVE_TIMEOUT_MS, 72_000),
      connectionTimeoutMs: int('HTTP_CONNECTION_TIMEOUT_MS', env.HTTP_CONNECTION_TIMEOUT_MS, 300_000),
    },
  };
}
