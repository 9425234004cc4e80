import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { recomputeNodeSafetyStock } from '../inventory/safety-stock-service.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import { resolveDestination } from './destination-resolver.ts';
import type { Node, NodeInput, NodeListQuery, NodePatch } from './node-schema.ts';
import type { NodesTable } from './tables.ts';

type NodeRow = Selectable<NodesTable>;

export function toNode(row: NodeRow): Node {
  return {
    id: row.id,
    kind: row.kind as Node['kind'],
    name: row.name,
    address: row.address,
    lat: row.lat,
    lon: row.lon,
    timezone: row.timezone,
    capabilities: row.capabilities,
    handlingCost: row.handling_cost,
    dailyCapacity: row.daily_capacity,
    cutoffTime: row.cutoff_time,
    processingDays: row.processing_days,
    status: row.status as Node['status'],
    tags: row.tags,
    priorityGroup: row.priority_group,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The stored columns of a node, everything a PUT decides (defaults filled in). */
type NodeValues = Omit<NodeRow, 'id' | 'version' | 'created_at' | 'updated_at'>;

function assertTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new AppError('invalid-request', `Unknown time zone "${timezone}"`, {
      errors: [{ pointer: '/timezone', detail: 'not an IANA time zone', in: 'body' }],
    });
  }
}

function locate(input: { lat?: number; lon?: number; address?: NodeInput['address'] }): {
  lat: number;
  lon: number;
} {
  const resolved = resolveDestination({ ...(input.address ?? {}), lat: input.lat, lon: input.lon });
  if (!resolved.ok) {
    const pointer =
      resolved.pointer === '/lat' || resolved.pointer === '/lon'
        ? resolved.pointer
        : `/address${resolved.pointer}`;
    throw new AppError('invalid-node', `Cannot locate the node: ${resolved.message}`, {
      errors: [{ pointer, detail: resolved.message, in: 'body' }],
    });
  }
  return { lat: resolved.lat, lon: resolved.lon };
}

function valuesFrom(input: NodeInput): NodeValues {
  assertTimezone(input.timezone);
  const { lat, lon } = locate(input);
  return {
    kind: input.kind,
    name: input.name,
    address: input.address ?? {},
    lat,
    lon,
    timezone: input.timezone,
    capabilities: input.capabilities,
    handling_cost: input.handlingCost ?? 0,
    daily_capacity: input.dailyCapacity ?? null,
    cutoff_time: input.cutoffTime ?? '23:59',
    processing_days: input.processingDays ?? 0,
    status: input.status ?? 'online',
    tags: input.tags ?? [],
    priority_group: input.priorityGroup ?? null,
  };
}

const COMPARED: (keyof NodeValues)[] = [
  'kind',
  'name',
  'address',
  'lat',
  'lon',
  'timezone',
  'capabilities',
  'handling_cost',
  'daily_capacity',
  'cutoff_time',
  'processing_days',
  'status',
  'tags',
  'priority_group',
];

function changedFields(before: NodeRow, after: NodeValues): string[] {
  return COMPARED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function insertable(v: NodeValues) {
  return { ...v, address: JSON.stringify(v.address) };
}

export class NodeService {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Node> {
    const row = await this.db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('node-not-found', `Node ${id} does not exist`);
    return toNode(row);
  }

  /** Idempotent upsert: an identical PUT changes nothing and writes no event. */
  async put(id: string, input: NodeInput, actor: string | null): Promise<{ node: Node; created: boolean }> {
    const values = valuesFrom(input);
    const result = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('nodes')
        .values({ id, ...insertable(values) })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        await appendEvent(trx, {
          type: 'node.created',
          aggregateType: 'node',
          aggregateId: id,
          payload: toNode(inserted),
          actor,
        });
        return { node: toNode(inserted), created: true };
      }
      const before = await trx
        .selectFrom('nodes')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      // Deleted by a concurrent request after the insert saw it: start over (it inserts this time).
      if (!before) return null;
      return { node: await this.applyChange(trx, before, values, actor), created: false };
    });
    return result ?? this.put(id, input, actor);
  }

  async patch(id: string, patch: NodePatch, actor: string | null): Promise<Node> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('nodes')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new AppError('node-not-found', `Node ${id} does not exist`);
      const current = toNode(before);
      const merged: NodeInput = {
        kind: patch.kind ?? current.kind,
        name: patch.name ?? current.name,
        address: patch.address ?? current.address,
        // A new address without coordinates is located again; otherwise keep the known position.
        lat: patch.lat ?? (patch.address ? undefined : current.lat),
        lon: patch.lon ?? (patch.address ? undefined : current.lon),
        timezone: patch.timezone ?? current.timezone,
        capabilities: (patch.capabilities ?? current.capabilities) as NodeInput['capabilities'],
        handlingCost: patch.handlingCost ?? current.handlingCost,
        dailyCapacity: patch.dailyCapacity !== undefined ? patch.dailyCapacity : current.dailyCapacity,
        cutoffTime: patch.cutoffTime ?? current.cutoffTime,
        processingDays: patch.processingDays ?? current.processingDays,
        status: patch.status ?? current.status,
        tags: patch.tags ?? current.tags,
        priorityGroup: patch.priorityGroup !== undefined ? patch.priorityGroup : current.priorityGroup,
      };
      return this.applyChange(trx, before, valuesFrom(merged), actor);
    });
  }

  private async applyChange(
    trx: Db,
    before: NodeRow,
    values: NodeValues,
    actor: string | null,
  ): Promise<Node> {
    const changed = changedFields(before, values);
    if (changed.length === 0) return toNode(before);
    const after = await trx
      .updateTable('nodes')
      .set({ ...insertable(values), version: before.version + 1, updated_at: new Date() })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const node = toNode(after);
    await appendEvent(trx, {
      type: 'node.updated',
      aggregateType: 'node',
      aggregateId: before.id,
      payload: { node, changed, previous: { status: before.status } },
      actor,
    });
    if (changed.includes('kind')) await recomputeNodeSafetyStock(trx, before.id, actor);
    return node;
  }

  async delete(id: string, actor: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      try {
        const deleted = await trx.deleteFrom('nodes').where('id', '=', id).returning('id').executeTakeFirst();
        if (!deleted) throw new AppError('node-not-found', `Node ${id} does not exist`);
      } catch (err) {
        if ((err as { code?: string }).code === '23503') {
          throw new AppError(
            'node-in-use',
            `Node ${id} still has stock, reservations or work; set it offline instead`,
          );
        }
        throw err;
      }
      await appendEvent(trx, {
        type: 'node.deleted',
        aggregateType: 'node',
        aggregateId: id,
        payload: { id },
        actor,
      });
    });
  }

  async list(
    query: NodeListQuery,
    onlyIds?: string[],
  ): Promise<{ items: Node[]; nextCursor: string | null }> {
    const after = decodeCursor(query.cursor, (v): v is string => typeof v === 'string');
    let q = this.db
      .selectFrom('nodes')
      .selectAll()
      .orderBy('id')
      .limit(query.limit + 1);
    if (after !== undefined) q = q.where('id', '>', after);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.priorityGroup) q = q.where('priority_group', '=', query.priorityGroup);
    if (query.tag) q = q.where(sql<boolean>`${query.tag} = ANY(tags)`);
    if (query.capability) q = q.where(sql<boolean>`${query.capability} = ANY(capabilities)`);
    if (onlyIds) q = q.where('id', 'in', onlyIds.length ? onlyIds : ['']);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit).map(toNode);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
  }
}
