import type { Selectable } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { Item, ItemInput, ItemListQuery, ItemPatch } from './item-schema.ts';
import type { ItemsTable } from './tables.ts';

type ItemRow = Selectable<ItemsTable>;
type ItemValues = Pick<
  ItemRow,
  'name' | 'weight_lb' | 'size_class' | 'hazmat' | 'oversize' | 'attributes' | 'active'
>;

export function toItem(row: ItemRow): Item {
  return {
    sku: row.sku,
    name: row.name,
    weight: row.weight_lb,
    sizeClass: row.size_class as Item['sizeClass'],
    hazmat: row.hazmat,
    oversize: row.oversize,
    attributes: row.attributes,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function valuesFrom(input: ItemInput): ItemValues {
  return {
    name: input.name,
    weight_lb: input.weight,
    size_class: input.sizeClass ?? (input.oversize ? 'oversize' : 'medium'),
    hazmat: input.hazmat ?? false,
    oversize: input.oversize ?? false,
    attributes: input.attributes ?? {},
    active: input.active ?? true,
  };
}

const COMPARED: (keyof ItemValues)[] = [
  'name',
  'weight_lb',
  'size_class',
  'hazmat',
  'oversize',
  'attributes',
  'active',
];

export class ItemService {
  constructor(private readonly db: Db) {}

  async get(sku: string): Promise<Item> {
    const row = await this.db.selectFrom('items').selectAll().where('sku', '=', sku).executeTakeFirst();
    if (!row) throw new AppError('item-not-found', `Item ${sku} does not exist`);
    return toItem(row);
  }

  /** Idempotent upsert: an identical PUT changes nothing and writes no event. */
  async put(sku: string, input: ItemInput, actor: string | null): Promise<{ item: Item; created: boolean }> {
    const values = valuesFrom(input);
    const result = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('items')
        .values({ sku, ...values, attributes: JSON.stringify(values.attributes) })
        .onConflict((oc) => oc.column('sku').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        await appendEvent(trx, {
          type: 'item.created',
          aggregateType: 'item',
          aggregateId: sku,
          payload: toItem(inserted),
          actor,
        });
        return { item: toItem(inserted), created: true };
      }
      const before = await trx
        .selectFrom('items')
        .selectAll()
        .where('sku', '=', sku)
        .forUpdate()
        .executeTakeFirst();
      // Deleted by a concurrent request after the insert saw it: start over (it inserts this time).
      if (!before) return null;
      return { item: await this.applyChange(trx, before, values, actor), created: false };
    });
    return result ?? this.put(sku, input, actor);
  }

  async patch(sku: string, patch: ItemPatch, actor: string | null): Promise<Item> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('items')
        .selectAll()
        .where('sku', '=', sku)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new AppError('item-not-found', `Item ${sku} does not exist`);
      const current = toItem(before);
      return this.applyChange(trx, before, valuesFrom({ ...current, ...patch }), actor);
    });
  }

  private async applyChange(
    trx: Db,
    before: ItemRow,
    values: ItemValues,
    actor: string | null,
  ): Promise<Item> {
    const changed = COMPARED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]));
    if (changed.length === 0) return toItem(before);
    const after = await trx
      .updateTable('items')
      .set({
        ...values,
        attributes: JSON.stringify(values.attributes),
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('sku', '=', before.sku)
      .returningAll()
      .executeTakeFirstOrThrow();
    const item = toItem(after);
    await appendEvent(trx, {
      type: 'item.updated',
      aggregateType: 'item',
      aggregateId: before.sku,
      payload: { item, changed },
      actor,
    });
    return item;
  }

  async delete(sku: string, actor: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      try {
        const deleted = await trx
          .deleteFrom('items')
          .where('sku', '=', sku)
          .returning('sku')
          .executeTakeFirst();
        if (!deleted) throw new AppError('item-not-found', `Item ${sku} does not exist`);
      } catch (err) {
        if ((err as { code?: string }).code === '23503') {
          throw new AppError(
            'item-in-use',
            `Item ${sku} is still stocked or ordered; set it inactive instead`,
          );
        }
        throw err;
      }
      await appendEvent(trx, {
        type: 'item.deleted',
        aggregateType: 'item',
        aggregateId: sku,
        payload: { sku },
        actor,
      });
    });
  }

  async list(query: ItemListQuery): Promise<{ items: Item[]; nextCursor: string | null }> {
    const after = decodeCursor(query.cursor, (v): v is string => typeof v === 'string');
    let q = this.db
      .selectFrom('items')
      .selectAll()
      .orderBy('sku')
      .limit(query.limit + 1);
    if (after !== undefined) q = q.where('sku', '>', after);
    if (query.sizeClass) q = q.where('size_class', '=', query.sizeClass);
    if (query.hazmat !== undefined) q = q.where('hazmat', '=', query.hazmat);
    if (query.oversize !== undefined) q = q.where('oversize', '=', query.oversize);
    if (query.active !== undefined) q = q.where('active', '=', query.active);
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('sku', 'ilike', like), eb('name', 'ilike', like)]));
    }
    const rows = await q.execute();
    const page = rows.slice(0, query.limit).map(toItem);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.sku) : null };
  }
}
