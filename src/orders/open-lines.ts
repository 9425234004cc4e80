import type { Db } from '../platform/db/database.ts';

export interface OpenLine {
  sku: string;
  quantity: number;
}

/**
 * The units still wanted per order (ordered minus cancelled), one entry per sku — the engine takes
 * a sku once per order, so repeated lines of a sku are merged. Used to re-route recent orders
 * (policy trials, the simulator's database scenario).
 */
export async function openLinesByOrder(db: Db, orderIds: string[]): Promise<Map<string, OpenLine[]>> {
  const byOrder = new Map<string, OpenLine[]>();
  if (orderIds.length === 0) return byOrder;
  const lines = await db
    .selectFrom('order_lines')
    .select(['order_id', 'sku', 'quantity', 'cancelled'])
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_no')
    .execute();
  for (const l of lines) {
    const wanted = l.quantity - l.cancelled;
    if (wanted <= 0) continue;
    const list = byOrder.get(l.order_id) ?? [];
    const same = list.find((x) => x.sku === l.sku);
    if (same) same.quantity += wanted;
    else list.push({ sku: l.sku, quantity: wanted });
    byOrder.set(l.order_id, list);
  }
  return byOrder;
}
