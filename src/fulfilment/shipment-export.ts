import { type Static, Type } from '@sinclair/typebox';
import { changedIdsSince } from '../events/event-changes.ts';
import type { Db } from '../platform/db/database.ts';
import type { CsvValue, ExportPage } from '../platform/http/export-format.ts';

/** The events after which a fulfilment order is (still) a shipment an ERP books. */
const SHIPMENT_EVENTS = [
  'fulfilment-order.shipped',
  'fulfilment-order.delivered',
  'fulfilment-order.picked-up',
];

const Iso = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const ShipmentRecord = Type.Object(
  {
    shipmentId: Type.String({ description: 'The fulfilment order id' }),
    orderId: Type.String(),
    externalOrderId: Type.String(),
    channel: Type.String(),
    nodeId: Type.String(),
    kind: Type.String({ description: 'shipment, ship-to-store or pickup' }),
    status: Type.String({ description: 'shipped, delivered, ready-for-pickup or picked-up (now)' }),
    carrier: Type.Union([Type.String(), Type.Null()]),
    trackingNumber: Type.Union([Type.String(), Type.Null()]),
    shippedAt: Iso,
    completedAt: Iso,
    lines: Type.Array(
      Type.Object(
        {
          orderLineId: Type.String(),
          sku: Type.String(),
          quantity: Type.Integer({ description: 'Units shipped (allocated minus short-picked)' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ShipmentRecord = Static<typeof ShipmentRecord>;

/** CSV: one row per shipment line, in this order (documented in docs/erp-exports.md). */
export const SHIPMENT_COLUMNS = [
  'shipment_id',
  'order_id',
  'external_order_id',
  'channel',
  'node_id',
  'kind',
  'status',
  'carrier',
  'tracking_number',
  'shipped_at',
  'completed_at',
  'order_line_id',
  'sku',
  'quantity',
] as const;

export function shipmentCsvRows(s: ShipmentRecord): CsvValue[][] {
  return s.lines.map((l) => [
    s.shipmentId,
    s.orderId,
    s.externalOrderId,
    s.channel,
    s.nodeId,
    s.kind,
    s.status,
    s.carrier,
    s.trackingNumber,
    s.shippedAt,
    s.completedAt,
    l.orderLineId,
    l.sku,
    l.quantity,
  ]);
}

/** Shipments changed (shipped, delivered, picked up) after the cursor, as they are now. */
export async function exportShipments(
  db: Db,
  query: { cursor?: string; limit: number },
): Promise<ExportPage<ShipmentRecord>> {
  const changed = await changedIdsSince(db, {
    exportName: 'shipments',
    types: SHIPMENT_EVENTS,
    idField: 'fulfilmentOrderId',
    cursor: query.cursor,
    limit: query.limit,
  });
  const { ids } = changed;
  if (ids.length === 0) return { items: [], nextCursor: changed.nextCursor, hasMore: changed.hasMore };
  const heads = await db
    .selectFrom('fulfilment_orders as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select([
      'f.id',
      'f.order_id',
      'o.external_id',
      'o.channel',
      'f.node_id',
      'f.kind',
      'f.status',
      'f.carrier',
      'f.tracking_number',
      'f.shipped_at',
      'f.completed_at',
    ])
    .where('f.id', 'in', ids)
    .execute();
  const lines = await db
    .selectFrom('fulfilment_order_lines')
    .select(['fulfilment_order_id', 'order_line_id', 'sku', 'quantity', 'short'])
    .where('fulfilment_order_id', 'in', ids)
    .orderBy('fulfilment_order_id')
    .orderBy('order_line_id')
    .execute();
  const byId = new Map(heads.map((h) => [h.id, h]));
  const items: ShipmentRecord[] = [];
  for (const id of ids) {
    const h = byId.get(id);
    if (!h) continue;
    items.push({
      shipmentId: h.id,
      orderId: h.order_id,
      externalOrderId: h.external_id,
      channel: h.channel,
      nodeId: h.node_id,
      kind: h.kind,
      status: h.status,
      carrier: h.carrier,
      trackingNumber: h.tracking_number,
      shippedAt: h.shipped_at?.toISOString() ?? null,
      completedAt: h.completed_at?.toISOString() ?? null,
      lines: lines
        .filter((l) => l.fulfilment_order_id === id)
        .map((l) => ({ orderLineId: l.order_line_id, sku: l.sku, quantity: l.quantity - l.short })),
    });
  }
  return { items, nextCursor: changed.nextCursor, hasMore: changed.hasMore };
}
