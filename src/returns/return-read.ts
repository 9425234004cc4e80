import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { Disposition, OrderReturns, ReturnView } from './return-schema.ts';

const money = (v: string | number | null): number => (v === null ? 0 : Number(v));

/** Where each line of an order stands: shipped, in open returns, received back. */
export interface LineReturnState {
  lineId: string;
  lineNo: number;
  sku: string;
  quantity: number;
  cancelled: number;
  shipped: number;
  price: number;
  /** Units in returns not yet received. */
  authorised: number;
  /** Units received back. */
  returned: number;
}

export async function lineReturnStates(db: Db, orderId: string): Promise<LineReturnState[]> {
  const { rows } = await sql<{
    id: string;
    line_no: number;
    sku: string;
    quantity: number;
    cancelled: number;
    shipped: number;
    price: string;
    authorised: number;
    returned: number;
  }>`
    SELECT ol.id, ol.line_no, ol.sku, ol.quantity, ol.cancelled, ol.shipped, ol.price,
      coalesce((SELECT sum(rl.quantity) FROM return_lines rl JOIN returns r ON r.id = rl.return_id
        WHERE rl.order_line_id = ol.id AND r.status = 'authorised'), 0)::int AS authorised,
      coalesce((SELECT sum(rc.quantity) FROM return_receipts rc JOIN return_lines rl ON rl.id = rc.return_line_id
        WHERE rl.order_line_id = ol.id), 0)::int AS returned
    FROM order_lines ol WHERE ol.order_id = ${orderId} ORDER BY ol.line_no`.execute(db);
  return rows.map((r) => ({
    lineId: r.id,
    lineNo: r.line_no,
    sku: r.sku,
    quantity: r.quantity,
    cancelled: r.cancelled,
    shipped: r.shipped,
    price: Number(r.price),
    authorised: r.authorised,
    returned: r.returned,
  }));
}

/** none / partially-returned / returned, for a line or the order (units bought minus cancelled). */
export function returnStatusOf(bought: number, returned: number): 'none' | 'partially-returned' | 'returned' {
  if (returned <= 0) return 'none';
  return returned >= bought ? 'returned' : 'partially-returned';
}

export async function getReturns(db: Db, where: { id: string } | { orderId: string }): Promise<ReturnView[]> {
  let q = db.selectFrom('returns').selectAll().orderBy('created_at').orderBy('id');
  q = 'id' in where ? q.where('id', '=', where.id) : q.where('order_id', '=', where.orderId);
  const heads = await q.execute();
  if (heads.length === 0) return [];
  const ids = heads.map((h) => h.id);
  const [lines, receipts] = await Promise.all([
    db.selectFrom('return_lines').selectAll().where('return_id', 'in', ids).orderBy('line_no').execute(),
    db
      .selectFrom('return_receipts')
      .selectAll()
      .where('return_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  return heads.map((h) => ({
    id: h.id,
    orderId: h.order_id,
    status: h.status,
    method: h.method,
    nodeId: h.node_id,
    receivedNodeId: h.received_node_id,
    reason: h.reason,
    currency: h.currency,
    lines: lines
      .filter((l) => l.return_id === h.id)
      .map((l) => {
        const got = receipts.filter((r) => r.return_line_id === l.id);
        return {
          lineId: l.order_line_id,
          lineNo: l.line_no,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: money(l.unit_price),
          received: got.map((r) => ({
            nodeId: r.node_id,
            quantity: r.quantity,
            disposition: r.disposition as Disposition,
            refund: money(r.refund),
          })),
          refund: got.reduce((s, r) => s + money(r.refund), 0),
        };
      }),
    refundTotal: h.refund_total === null ? null : money(h.refund_total),
    createdAt: h.created_at.toISOString(),
    createdBy: h.created_by,
    receivedAt: h.received_at?.toISOString() ?? null,
    receivedBy: h.received_by,
  }));
}

export async function getReturn(db: Db, id: string): Promise<ReturnView> {
  const [view] = await getReturns(db, { id });
  if (!view) throw new AppError('return-not-found', `Return ${id} does not exist`);
  return view;
}

export async function getOrderReturns(db: Db, orderId: string): Promise<OrderReturns> {
  const order = await db.selectFrom('orders').select('id').where('id', '=', orderId).executeTakeFirst();
  if (!order) throw new AppError('order-not-found', `Order ${orderId} does not exist`);
  const states = await lineReturnStates(db, orderId);
  let bought = 0;
  let returned = 0;
  const lines = states.map((s) => {
    bought += s.quantity - s.cancelled;
    returned += s.returned;
    return {
      lineId: s.lineId,
      lineNo: s.lineNo,
      sku: s.sku,
      shipped: s.shipped,
      authorised: s.authorised,
      returned: s.returned,
      returnable: Math.max(0, s.shipped - s.authorised - s.returned),
      status: returnStatusOf(s.quantity - s.cancelled, s.returned),
    };
  });
  return {
    orderId,
    status: returnStatusOf(bought, returned),
    lines,
    returns: await getReturns(db, { orderId }),
  };
}
