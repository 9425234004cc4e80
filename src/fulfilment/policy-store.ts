import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { NodeKind } from '../routing/index.ts';
import { compileNetwork, type RoutingNetwork, type RoutingPolicy, validatePolicy } from '../routing/index.ts';
import { POLICIES_CHANNEL } from './policy-migrations.ts';
import type { PolicyDetail, PolicyVersion } from './policy-schema.ts';
import type { RoutingPoliciesTable, StoredPolicyDocument } from './policy-tables.ts';

type PolicyRow = Selectable<RoutingPoliciesTable>;

/** The engine's document of a stored version: its columns id and version first, then the rules. */
export function documentOf(row: Pick<PolicyRow, 'id' | 'version' | 'document'>): RoutingPolicy {
  return { ...row.document, id: row.id, version: row.version };
}

function toVersion(row: PolicyRow): PolicyVersion {
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    document: documentOf(row),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
    retiredAt: row.retired_at?.toISOString() ?? null,
  };
}

function detailOf(id: string, rows: PolicyRow[], versions: number): PolicyDetail {
  const active = rows.find((r) => r.status === 'active');
  return {
    id,
    active: active ? toVersion(active) : null,
    drafts: rows.filter((r) => r.status === 'draft').map(toVersion),
    versions,
  };
}

/**
 * A network of the nodes that exist now, for the one check of a policy that needs the network
 * (every node it names exists). Rates and items play no part in that check.
 */
export async function nodesNetwork(db: Db): Promise<RoutingNetwork> {
  const nodes = await db.selectFrom('nodes').select(['id', 'kind', 'lat', 'lon', 'handling_cost']).execute();
  return compileNetwork({
    rates: { model: 'zone', bands: [{ maxMiles: null, base: 0, perLb: 0, days: 0 }] },
    nodes: nodes.map((n) => ({
      id: n.id,
      kind: n.kind as NodeKind,
      lat: n.lat,
      lon: n.lon,
      handlingCost: n.handling_cost,
    })),
    items: [],
  });
}

/** Validates a document with the engine's validator; failures become one 422 listing every problem. */
export async function assertValidPolicy(
  db: Db,
  document: unknown,
  network?: RoutingNetwork,
): Promise<RoutingPolicy> {
  const result = validatePolicy(document, network ?? (await nodesNetwork(db)));
  if (result.ok) return result.policy;
  const first = result.errors[0];
  throw new AppError(
    'invalid-policy',
    `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} in the policy${first ? `; first: ${first.pointer || '(root)'} ${first.message}` : ''}`,
    { errors: result.errors.map((e) => ({ pointer: e.pointer, detail: e.message, in: 'body' as const })) },
  );
}

export interface PolicyStoreHooks {
  /** Called after an activation commits, so this instance switches before the response. */
  afterActivate?(id: string): Promise<void>;
}

/**
 * Routing policies as versioned data: drafts are edited and validated, then activated in one
 * transaction that retires the previous active version and notifies every instance.
 */
export class PolicyStore {
  constructor(
    private readonly db: Db,
    private readonly hooks: PolicyStoreHooks = {},
  ) {}

  async list(): Promise<PolicyDetail[]> {
    const rows = await this.db
      .selectFrom('routing_policies')
      .selectAll()
      .where('status', 'in', ['draft', 'active'])
      .orderBy('id')
      .orderBy('version')
      .execute();
    const counts = await this.db
      .selectFrom('routing_policies')
      .select(['id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('id')
      .orderBy('id')
      .execute();
    return counts.map((c) =>
      detailOf(
        c.id,
        rows.filter((r) => r.id === c.id),
        Number(c.n),
      ),
    );
  }

  async get(id: string): Promise<PolicyDetail> {
    const rows = await this.db
      .selectFrom('routing_policies')
      .selectAll()
      .where('id', '=', id)
      .orderBy('version')
      .execute();
    if (rows.length === 0) throw new AppError('policy-not-found', `Policy ${id} does not exist`);
    return detailOf(
      id,
      rows.filter((r) => r.status !== 'retired'),
      rows.length,
    );
  }

  async version(id: string, version: number): Promise<PolicyVersion> {
    const row = await this.db
      .selectFrom('routing_policies')
      .selectAll()
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw new AppError('policy-not-found', `Policy ${id} has no version ${version}`);
    return toVersion(row);
  }

  /** The draft and the active document of a policy (for a trial); the draft must exist. */
  async draftAndActive(id: string): Promise<{ draft: RoutingPolicy; active: RoutingPolicy | null }> {
    const rows = await this.db
      .selectFrom('routing_policies')
      .select(['id', 'version', 'document', 'status'])
      .where('id', '=', id)
      .where('status', 'in', ['draft', 'active'])
      .execute();
    const draft = rows.find((r) => r.status === 'draft');
    if (!draft) {
      if (rows.length === 0 && !(await this.exists(id))) {
        throw new AppError('policy-not-found', `Policy ${id} does not exist`);
      }
      throw new AppError('policy-draft-not-found', `Policy ${id} has no draft`);
    }
    const active = rows.find((r) => r.status === 'active');
    return { draft: documentOf(draft), active: active ? documentOf(active) : null };
  }

  /**
   * Creates or replaces the policy's draft. The body is validated as the engine would see it once
   * activated (with the draft's version), including that every node it names exists.
   */
  async putDraft(
    id: string,
    body: unknown,
    actor: string,
  ): Promise<{ draft: PolicyVersion; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      // One writer per policy at a time: drafts and activations of one id serialise here.
      await sql`SELECT pg_advisory_xact_lock(hashtext('routing_policies'), hashtext(${id}))`.execute(trx);
      const existing = await trx
        .selectFrom('routing_policies')
        .selectAll()
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      const max = await trx
        .selectFrom('routing_policies')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('id', '=', id)
        .executeTakeFirst();
      const version = existing?.version ?? Number(max?.v ?? 0) + 1;
      const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
      if (isObject) rejectIdentity(body as Record<string, unknown>);
      const policy = await assertValidPolicy(trx, isObject ? { ...body, id, version } : body);
      const { id: _i, version: _v, ...document } = policy;
      const stored: StoredPolicyDocument = document;
      if (existing && sameJson(existing.document, stored))
        return { draft: toVersion(existing), created: false };
      const row = existing
        ? await trx
            .updateTable('routing_policies')
            .set({ document: JSON.stringify(stored), updated_at: sql<Date>`now()` })
            .where('id', '=', id)
            .where('version', '=', version)
            .returningAll()
            .executeTakeFirstOrThrow()
        : await trx
            .insertInto('routing_policies')
            .values({ id, version, document: JSON.stringify(stored), status: 'draft', created_by: actor })
            .returningAll()
            .executeTakeFirstOrThrow();
      await appendEvent(trx, {
        type: 'policy.draft-saved',
        aggregateType: 'policy',
        aggregateId: id,
        payload: { id, version, document: policy },
        actor,
      });
      return { draft: toVersion(row), created: !existing };
    });
  }

  /**
   * Activates the draft: validated again (nodes may have gone since it was saved), the previous
   * active version retired, `policy.activated` written and every instance notified, all in one
   * transaction. Of two concurrent activations one wins; the other finds no draft (409).
   */
  async activate(id: string, actor: string): Promise<PolicyVersion> {
    const activated = await this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('routing_policies'), hashtext(${id}))`.execute(trx);
      const draft = await trx
        .selectFrom('routing_policies')
        .selectAll()
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .forUpdate()
        .executeTakeFirst();
      if (!draft) {
        if (!(await this.exists(id, trx)))
          throw new AppError('policy-not-found', `Policy ${id} does not exist`);
        throw new AppError('policy-draft-not-found', `Policy ${id} has no draft to activate`);
      }
      // Drafts and activations of one id are serialised, so the draft holds max(version) + 1.
      const version = draft.version;
      const policy = await assertValidPolicy(trx, { ...draft.document, id, version });
      const previous = await trx
        .updateTable('routing_policies')
        .set({ status: 'retired', retired_at: sql<Date>`now()` })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .returning('version')
        .executeTakeFirst();
      const row = await trx
        .updateTable('routing_policies')
        .set({ status: 'active', activated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '=', 'draft')
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(trx, {
        type: 'policy.activated',
        aggregateType: 'policy',
        aggregateId: id,
        payload: { id, version, previousVersion: previous?.version ?? null, document: policy },
        actor,
      });
      await sql`SELECT pg_notify(${POLICIES_CHANNEL}, ${id})`.execute(trx);
      return toVersion(row);
    });
    await this.hooks.afterActivate?.(id);
    return activated;
  }

  private async exists(id: string, db: Db = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('routing_policies')
      .select('id')
      .where('id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

/** The path names the policy and the store numbers its versions: a body may set neither. */
function rejectIdentity(body: Record<string, unknown>): void {
  const given = (['id', 'version'] as const).filter((k) => k in body);
  if (given.length === 0) return;
  throw new AppError(
    'invalid-policy',
    `${given.join(' and ')} come from the path and the store, not the body`,
    {
      errors: given.map((k) => ({
        pointer: `/${k}`,
        detail: 'is not a field of a draft',
        in: 'body' as const,
      })),
    },
  );
}

/** Equality of two JSON documents regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
