import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { appendEvent } from '../../events/outbox.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { Principal, Role } from './roles.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  nodeIds: string[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface NewApiKey {
  name: string;
  role: Role;
  nodeIds?: string[];
  expiresAt?: string | null;
}

const PREFIX_LENGTH = 11;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): string {
  return `og_${randomBytes(30).toString('base64url')}`;
}

type Row = {
  id: string;
  name: string;
  role: string;
  node_ids: string[];
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

function view(row: Row): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    nodeIds: row.node_ids,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

interface CachedPrincipal {
  principal: Principal | null;
  until: number;
}

/** Keys, their hashes, and the short-lived cache that keeps a database read off every request. */
export class ApiKeyService {
  private readonly cache = new Map<string, CachedPrincipal>();

  constructor(
    private readonly db: Db,
    /** How long a looked-up key is trusted without re-reading it (revocation takes effect within this). */
    private readonly cacheMs = 5_000,
  ) {}

  async create(
    input: NewApiKey,
    actor: string | null,
    key = generateKey(),
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    if (input.role === 'associate' && (input.nodeIds ?? []).length === 0) {
      throw new AppError('invalid-request', 'An associate key must be bound to at least one node', {
        errors: [{ pointer: '/nodeIds', detail: 'required for role associate', in: 'body' }],
      });
    }
    if (input.role !== 'associate' && (input.nodeIds ?? []).length > 0) {
      throw new AppError('invalid-request', 'Only associate keys are bound to nodes', {
        errors: [{ pointer: '/nodeIds', detail: 'only for role associate', in: 'body' }],
      });
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    const row = await this.db.transaction().execute(async (trx) => {
      if (input.nodeIds?.length) {
        const found = await trx.selectFrom('nodes').select('id').where('id', 'in', input.nodeIds).execute();
        const missing = input.nodeIds.find((id) => !found.some((f) => f.id === id));
        if (missing !== undefined) {
          const index = input.nodeIds.indexOf(missing);
          throw new AppError('node-not-found', `Node ${missing} does not exist`, {
            errors: [{ pointer: `/nodeIds/${index}`, detail: 'unknown node', in: 'body' }],
          });
        }
      }
      const inserted = await trx
        .insertInto('api_keys')
        .values({
          id: randomUUID(),
          name: input.name,
          role: input.role,
          node_ids: input.nodeIds ?? [],
          prefix: key.slice(0, PREFIX_LENGTH),
          secret_hash: hashKey(key),
          expires_at: expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(trx, {
        type: 'api-key.created',
        aggregateType: 'api-key',
        aggregateId: inserted.id,
        payload: { id: inserted.id, name: inserted.name, role: inserted.role, nodeIds: inserted.node_ids },
        actor,
      });
      return inserted;
    });
    return { key, apiKey: view(row) };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(view);
  }

  async revoke(id: string, actor: string | null): Promise<ApiKeyView> {
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!updated) {
        const existing = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
        if (!existing) throw new AppError('key-not-found', `API key ${id} does not exist`);
        return existing; // already revoked: idempotent
      }
      await appendEvent(trx, {
        type: 'api-key.revoked',
        aggregateType: 'api-key',
        aggregateId: id,
        payload: { id },
        actor,
      });
      return updated;
    });
    this.cache.clear();
    return view(row);
  }

  /**
   * The cached answer for a presented key, without waiting: a principal, null (known to be refused),
   * or undefined when the key must be looked up with authenticate(). Lets the request path skip a
   * promise on the common case.
   */
  cachedPrincipal(key: string, now = Date.now()): Principal | null | undefined {
    // Keyed by the presented key so a hit costs one map read, not a SHA-256 per request; the
    // entries live in this process only, for at most cacheMs, and revoke() clears them all.
    const cached = this.cache.get(key);
    return cached && cached.until > now ? cached.principal : undefined;
  }

  /** The principal for a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    const now = Date.now();
    const cached = this.cachedPrincipal(key, now);
    if (cached !== undefined) return cached;
    const hash = hashKey(key);
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('prefix', '=', key.slice(0, PREFIX_LENGTH))
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
    let principal: Principal | null = null;
    if (
      row &&
      timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(hash)) &&
      !row.revoked_at &&
      (!row.expires_at || row.expires_at.getTime() > now)
    ) {
      principal = { keyId: row.id, name: row.name, role: row.role as Role, nodeIds: row.node_ids };
      if (!row.last_used_at || now - row.last_used_at.getTime() > 60_000) {
        // Best effort and throttled: a usage stamp must never slow or fail a request.
        void this.db
          .updateTable('api_keys')
          .set({ last_used_at: new Date() })
          .where('id', '=', row.id)
          .execute()
          .catch(() => undefined);
      }
    }
    const until = row?.expires_at
      ? Math.min(now + this.cacheMs, row.expires_at.getTime())
      : now + this.cacheMs;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { principal, until });
    return principal;
  }

  /**
   * Makes sure an admin can sign in: registers ORDERGRID_ADMIN_KEY if given, otherwise creates and
   * returns a new admin key when none exists (the caller prints it once).
   */
  async bootstrapAdmin(configuredKey: string | undefined): Promise<string | null> {
    if (configuredKey) {
      const exists = await this.db
        .selectFrom('api_keys')
        .select('id')
        .where('secret_hash', '=', hashKey(configuredKey))
        .executeTakeFirst();
      if (!exists)
        await this.create(
          { name: 'bootstrap admin (ORDERGRID_ADMIN_KEY)', role: 'admin' },
          'system',
          configuredKey,
        );
      return null;
    }
    const anyAdmin = await this.db
      .selectFrom('api_keys')
      .select('id')
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (anyAdmin) return null;
    const { key } = await this.create({ name: 'bootstrap admin', role: 'admin' }, 'system');
    return key;
  }
}
