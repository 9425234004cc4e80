import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { ChannelRule } from './channel-rules.ts';
import type { Channel, ChannelInput, ChannelListQuery, ChannelPatch } from './channel-schema.ts';
import { CHANNELS_CHANNEL } from './migrations.ts';
import type { ChannelsTable } from './tables.ts';

type ChannelRow = Selectable<ChannelsTable>;
type ChannelValues = Omit<ChannelRow, 'id' | 'version' | 'created_at' | 'updated_at'>;

export function toChannel(row: ChannelRow): Channel {
  return {
    id: row.id,
    name: row.name,
    buffer: { units: row.buffer_units, percent: row.buffer_percent },
    cap: row.cap,
    allowedNodes: {
      kinds: row.allowed_kinds,
      tags: row.allowed_tags,
      include: row.include_node_ids,
      exclude: row.exclude_node_ids,
    },
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The rule the availability index applies for a stored channel. */
export function toChannelRule(row: ChannelRow): ChannelRule {
  return {
    id: row.id,
    bufferUnits: row.buffer_units,
    bufferPercent: row.buffer_percent,
    cap: row.cap,
    kinds: row.allowed_kinds,
    tags: row.allowed_tags,
    include: row.include_node_ids,
    exclude: row.exclude_node_ids,
    active: row.active,
  };
}

function valuesFrom(input: ChannelInput): ChannelValues {
  const allowed = input.allowedNodes;
  return {
    name: input.name,
    buffer_units: input.buffer?.units ?? 0,
    buffer_percent: input.buffer?.percent ?? 0,
    cap: input.cap ?? null,
    allowed_kinds: allowed?.kinds ?? null,
    allowed_tags: allowed?.tags ?? null,
    include_node_ids: allowed?.include ?? [],
    exclude_node_ids: allowed?.exclude ?? [],
    active: input.active ?? true,
  };
}

const COMPARED: (keyof ChannelValues)[] = [
  'name',
  'buffer_units',
  'buffer_percent',
  'cap',
  'allowed_kinds',
  'allowed_tags',
  'include_node_ids',
  'exclude_node_ids',
  'active',
];

/** Wakes the availability index of every instance at commit (it reloads the channels). */
async function notifyChannels(trx: Db, id: string, op: 'U' | 'D'): Promise<void> {
  await sql`SELECT pg_notify(${CHANNELS_CHANNEL}, json_build_object(
    'op', ${op}::text, 'id', ${id}::text, 'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text)`.execute(
    trx,
  );
}

export class ChannelService {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Channel> {
    const row = await this.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('channel-not-found', `Channel ${id} does not exist`);
    return toChannel(row);
  }

  async list(query: ChannelListQuery): Promise<{ items: Channel[] }> {
    let q = this.db.selectFrom('channels').selectAll().orderBy('id');
    if (query.active !== undefined) q = q.where('active', '=', query.active);
    return { items: (await q.execute()).map(toChannel) };
  }

  /** Idempotent upsert: an identical PUT changes nothing and writes no event. */
  async put(
    id: string,
    input: ChannelInput,
    actor: string | null,
  ): Promise<{ channel: Channel; created: boolean }> {
    const values = valuesFrom(input);
    const result = await this.db.transaction().execute(async (trx) => {
      await assertNodesExist(trx, values);
      const inserted = await trx
        .insertInto('channels')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        const channel = toChannel(inserted);
        await appendEvent(trx, {
          type: 'channel.created',
          aggregateType: 'channel',
          aggregateId: id,
          payload: channel,
          actor,
        });
        await notifyChannels(trx, id, 'U');
        return { channel, created: true };
      }
      const before = await trx
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      // Deleted by a concurrent request after the insert saw it: start over (it inserts this time).
      if (!before) return null;
      return { channel: await this.applyChange(trx, before, values, actor), created: false };
    });
    return result ?? this.put(id, input, actor);
  }

  async patch(id: string, patch: ChannelPatch, actor: string | null): Promise<Channel> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new AppError('channel-not-found', `Channel ${id} does not exist`);
      const current = toChannel(before);
      const values = valuesFrom({
        name: patch.name ?? current.name,
        buffer: patch.buffer ?? current.buffer,
        cap: patch.cap !== undefined ? patch.cap : current.cap,
        allowedNodes: (patch.allowedNodes ?? current.allowedNodes) as ChannelInput['allowedNodes'],
        active: patch.active ?? current.active,
      });
      await assertNodesExist(trx, values);
      return this.applyChange(trx, before, values, actor);
    });
  }

  private async applyChange(
    trx: Db,
    before: ChannelRow,
    values: ChannelValues,
    actor: string | null,
  ): Promise<Channel> {
    const changed = COMPARED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]));
    if (changed.length === 0) return toChannel(before);
    const after = await trx
      .updateTable('channels')
      .set({ ...values, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const channel = toChannel(after);
    await appendEvent(trx, {
      type: 'channel.updated',
      aggregateType: 'channel',
      aggregateId: before.id,
      payload: { channel, changed },
      actor,
    });
    await notifyChannels(trx, before.id, 'U');
    return channel;
  }

  async delete(id: string, actor: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      try {
        const deleted = await trx
          .deleteFrom('channels')
          .where('id', '=', id)
          .returning('id')
          .executeTakeFirst();
        if (!deleted) throw new AppError('channel-not-found', `Channel ${id} does not exist`);
      } catch (err) {
        if ((err as { code?: string }).code === '23503') {
          throw new AppError('channel-in-use', `Channel ${id} is still referenced; set it inactive instead`);
        }
        throw err;
      }
      await appendEvent(trx, {
        type: 'channel.deleted',
        aggregateType: 'channel',
        aggregateId: id,
        payload: { id },
        actor,
      });
      await notifyChannels(trx, id, 'D');
    });
  }
}

/** Include/exclude lists must name existing nodes: a typo would silently sell from nowhere. */
async function assertNodesExist(trx: Db, values: ChannelValues): Promise<void> {
  const lists = [
    ['include', values.include_node_ids],
    ['exclude', values.exclude_node_ids],
  ] as const;
  const all = [...values.include_node_ids, ...values.exclude_node_ids];
  if (all.length === 0) return;
  const found = new Set(
    (await trx.selectFrom('nodes').select('id').where('id', 'in', all).execute()).map((r) => r.id),
  );
  for (const [name, ids] of lists) {
    const index = ids.findIndex((nodeId) => !found.has(nodeId));
    if (index >= 0) {
      throw new AppError('invalid-channel', `Node ${ids[index]} does not exist`, {
        errors: [{ pointer: `/allowedNodes/${name}/${index}`, detail: 'unknown node', in: 'body' }],
      });
    }
  }
}
