import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { OrderListQuery, OrderView } from './order-schema.ts';
import { toOrderView } from './order-view.ts';

/** The whole order as tracking shows it: lines with units by state, fulfilment orders, last decision. */
export async function getOrderView(db: Db, id: string): Promise<OrderView> {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!order) throw new AppError('order-not-found', `Order ${id} does not exist`);
  const [lines, fos, foLines, decision] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', '=', id).execute(),
    db.selectFrom('fulfilment_orders').selectAll().where('order_id', '=', id).execute(),
    db
      .selectFrom('fulfilment_order_lines as l')
      .innerJoin('fulfilment_orders as f', 'f.id', 'l.fulfilment_order_id')
      .selectAll('l')
      .where('f.order_id', '=', id)
      .execute(),
    db
      .selectFrom('order_decisions')
      .select(['trigger', 'outcome', 'strategy', 'plan', 'cost', 'created_at'])
      .where('order_id', '=', id)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return toOrderView(order, lines, fos, foLines, decision ?? null);
}

export async function findOrderId(db: Db, channel: string, externalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id;
}

type Key = [string, string];
const isKey = (v: unknown): v is Key =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** Orders newest first, filtered by channel, channel order id and status. */
export async function listOrders(db: Db, q: OrderListQuery) {
  const after = decodeCursor(q.cursor, isKey);
  let query = db
    .selectFrom('orders')
    .select([
      'id',
      'channel',
      'external_id',
      'status',
      'status_reason',
      'fulfilment',
      'service_level',
      'holds',
      'created_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.channel) query = query.where('channel', '=', q.channel);
  if (q.externalId) query = query.where('external_id', '=', q.externalId);
  if (q.status) query = query.where('status', '=', q.status);
  if (after)
    query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      channel: r.channel,
      externalId: r.external_id,
      status: r.status,
      statusReason: r.status_reason,
      fulfilment: r.fulfilment,
      serviceLevel: r.service_level,
      holds: r.holds,
      createdAt: r.created_at.toISOString(),
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}

/** Every routing decision of an order, oldest first, with the engine's full explanation. */
export async function listDecisions(db: Db, id: string) {
  const exists = await db.selectFrom('orders').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw new AppError('order-not-found', `Order ${id} does not exist`);
  const rows = await db
    .selectFrom('order_decisions')
    .selectAll()
    .where('order_id', '=', id)
    .orderBy('created_at')
    .execute();
  return {
    orderId: id,
    decisions: rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      outcome: r.outcome,
      strategy: r.strategy,
      plan: r.plan,
      cost: r.cost,
      explanation: r.explanation,
      excludedNodes: r.excluded_nodes,
      policy:
        r.policy_id !== null && r.policy_version !== null
          ? { id: r.policy_id, version: r.policy_version }
          : null,
      createdAt: r.created_at.toISOString(),
    })),
  };
}
