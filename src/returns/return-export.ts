import { type Static, Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { changedIdsSince } from '../events/event-changes.ts';
import type { Db } from '../platform/db/database.ts';
import type { CsvValue, ExportPage } from '../platform/http/export-format.ts';

const RETURN_EVENTS = ['return.authorised', 'return.received'];

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const ReturnRecord = Type.Object(
  {
    returnId: Type.String(),
    orderId: Type.String(),
    externalOrderId: Type.String(),
    channel: Type.String(),
    status: Type.String({ description: 'authorised or received' }),
    method: Type.String({ description: 'mail or in-store' }),
    nodeId: Type.String({ description: 'Where the units are expected' }),
    receivedNodeId: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    currency: Type.String(),
    refundTotal: Type.Union([Type.Number(), Type.Null()], { description: 'Set once received' }),
    createdAt: Type.String({ format: 'date-time' }),
    receivedAt: Nullable(Type.String({ format: 'date-time' })),
    lines: Type.Array(
      Type.Object(
        {
          lineNo: Type.Integer(),
          orderLineId: Type.String(),
          sku: Type.String(),
          quantity: Type.Integer({ description: 'Units authorised' }),
          unitPrice: Type.Number(),
          received: Type.Integer(),
          restocked: Type.Integer(),
          damaged: Type.Integer(),
          refurbish: Type.Integer(),
          refund: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ReturnRecord = Static<typeof ReturnRecord>;

/** CSV: one row per return line, in this order (documented in docs/erp-exports.md). */
export const RETURN_COLUMNS = [
  'return_id',
  'order_id',
  'external_order_id',
  'channel',
  'status',
  'method',
  'node_id',
  'received_node_id',
  'reason',
  'currency',
  'refund_total',
  'created_at',
  'received_at',
  'line_no',
  'order_line_id',
  'sku',
  'quantity',
  'unit_price',
  'received',
  'restocked',
  'damaged',
  'refurbish',
  'refund',
] as const;

export function returnCsvRows(r: ReturnRecord): CsvValue[][] {
  const head = [
    r.returnId,
    r.orderId,
    r.externalOrderId,
    r.channel,
    r.status,
    r.method,
    r.nodeId,
    r.receivedNodeId,
    r.reason,
    r.currency,
    r.refundTotal,
    r.createdAt,
    r.receivedAt,
  ];
  return r.lines.map((l) => [
    ...head,
    l.lineNo,
    l.orderLineId,
    l.sku,
    l.quantity,
    l.unitPrice,
    l.received,
    l.restocked,
    l.damaged,
    l.refurbish,
    l.refund,
  ]);
}

interface LineRow {
  return_id: string;
  line_no: number;
  order_line_id: string;
  sku: string;
  quantity: number;
  unit_price: string;
  received: number;
  restocked: number;
  damaged: number;
  refurbish: number;
  refund: string;
}

/** Returns authorised or received after the cursor, as they are now, with their lines and receipts. */
export async function exportReturns(
  db: Db,
  query: { cursor?: string; limit: number },
): Promise<ExportPage<ReturnRecord>> {
  const changed = await changedIdsSince(db, {
    exportName: 'returns',
    types: RETURN_EVENTS,
    idField: 'returnId',
    cursor: query.cursor,
    limit: query.limit,
  });
  const { ids } = changed;
  if (ids.length === 0) return { items: [], nextCursor: changed.nextCursor, hasMore: changed.hasMore };
  const heads = await db
    .selectFrom('returns as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .selectAll('r')
    .select(['o.external_id', 'o.channel'])
    .where('r.id', 'in', ids)
    .execute();
  const { rows: lines } = await sql<LineRow>`
    SELECT l.return_id::text AS return_id, l.line_no, l.order_line_id::text AS order_line_id, l.sku, l.quantity, l.unit_price::text AS unit_price,
           coalesce(sum(c.quantity), 0)::int AS received,
           coalesce(sum(c.quantity) FILTER (WHERE c.disposition = 'restock'), 0)::int AS restocked,
           coalesce(sum(c.quantity) FILTER (WHERE c.disposition = 'damaged'), 0)::int AS damaged,
           coalesce(sum(c.quantity) FILTER (WHERE c.disposition = 'refurbish'), 0)::int AS refurbish,
           coalesce(sum(c.refund), 0)::text AS refund
    FROM return_lines l LEFT JOIN return_receipts c ON c.return_line_id = l.id
    WHERE l.return_id::text = ANY(${ids}::text[])
    GROUP BY l.id ORDER BY l.return_id, l.line_no`.execute(db);
  const byId = new Map(heads.map((h) => [h.id, h]));
  const items: ReturnRecord[] = [];
  for (const id of ids) {
    const h = byId.get(id);
    if (!h) continue;
    items.push({
      returnId: h.id,
      orderId: h.order_id,
      externalOrderId: h.external_id,
      channel: h.channel,
      status: h.status,
      method: h.method,
      nodeId: h.node_id,
      receivedNodeId: h.received_node_id,
      reason: h.reason,
      currency: h.currency,
      refundTotal: h.refund_total === null ? null : Number(h.refund_total),
      createdAt: h.created_at.toISOString(),
      receivedAt: h.received_at?.toISOString() ?? null,
      lines: lines
        .filter((l) => l.return_id === id)
        .map((l) => ({
          lineNo: l.line_no,
          orderLineId: l.order_line_id,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: Number(l.unit_price),
          received: l.received,
          restocked: l.restocked,
          damaged: l.damaged,
          refurbish: l.refurbish,
          refund: Number(l.refund),
        })),
    });
  }
  return { items, nextCursor: changed.nextCursor, hasMore: changed.hasMore };
}
