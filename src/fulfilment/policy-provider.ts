import pg from 'pg';
import type { Db } from '../platform/db/database.ts';
import { DEFAULT_POLICY, type RoutingPolicy } from '../routing/index.ts';
import { POLICIES_CHANNEL } from './policy-migrations.ts';
import { documentOf } from './policy-store.ts';
import type { PolicyProvider } from './routing-context.ts';

export interface StoredPolicyProviderOptions {
  /** The policy the live order flow routes with (default `default`). */
  policyId?: string;
  /** Without a listener (or while it reconnects), re-read at most this often (default 5 s). */
  refreshMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

/**
 * The active routing policy, served from memory (`active()` is synchronous: it is on the routing
 * hot path). Activation notifies `ordergrid_policies` in its transaction; every started instance
 * LISTENs and re-reads, so all switch together. Unstarted (tests, commands) it re-reads lazily at
 * most every `refreshMs`, and the activating instance re-reads at once after its commit.
 */
export class StoredPolicyProvider implements PolicyProvider {
  private current: RoutingPolicy = DEFAULT_POLICY;
  private readonly policyId: string;
  private readonly refreshMs: number;
  private readonly log: NonNullable<StoredPolicyProviderOptions['log']>;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private loadAgain = false;
  private client: pg.Client | null = null;
  private connection: pg.ClientConfig | null = null;
  private stopping = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    options: StoredPolicyProviderOptions = {},
  ) {
    this.policyId = options.policyId ?? 'default';
    this.refreshMs = options.refreshMs ?? 5_000;
    this.log = options.log ?? (() => undefined);
  }

  /** The active version of the live policy (the engine's DEFAULT_POLICY until the first read). */
  active(): RoutingPolicy {
    if (this.client === null && Date.now() - this.loadedAt > this.refreshMs && this.loading === null) {
      this.reload().catch((err: unknown) => this.log('warn', 'policy refresh failed', { err: String(err) }));
    }
    return this.current;
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** Re-reads the active version; concurrent calls share one read, and a call during a read runs another. */
  reload(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        do {
          this.loadAgain = false;
          const row = await this.db
            .selectFrom('routing_policies')
            .select(['id', 'version', 'document'])
            .where('id', '=', this.policyId)
            .where('status', '=', 'active')
            .executeTakeFirst();
          this.loadedAt = Date.now();
          const next = row ? documentOf(row) : DEFAULT_POLICY;
          // Keep the same object while the version is unchanged: the engine caches compiled policies by identity.
          if (next.id !== this.current.id || next.version !== this.current.version) {
            this.current = Object.freeze(next);
            this.log('info', 'routing policy switched', { id: next.id, version: next.version });
          }
        } while (this.loadAgain);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Opens the LISTEN connection and reads the active version; rejects if the first attempt fails. */
  async start(connection: pg.ClientConfig | string): Promise<void> {
    this.connection = typeof connection === 'string' ? { connectionString: connection } : connection;
    this.stopping = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.loading?.catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.connection, application_name: 'ordergrid-policies' });
    client.on('notification', (msg) => {
      if (msg.channel === POLICIES_CHANNEL && msg.payload === this.policyId) {
        this.reload().catch((err: unknown) => this.log('warn', 'policy reload failed', { err: String(err) }));
      }
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopping) this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${POLICIES_CHANNEL}`);
    this.client = client;
    this.attempt = 0;
    // Read after LISTEN: an activation committed in between is then either read or notified.
    await this.reload();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(5_000, 100 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.log('warn', 'policy listener lost; reconnecting', { delayMs: Math.round(delay) });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().catch(() => {
        if (!this.stopping) this.scheduleReconnect();
      });
    }, delay);
  }
}
