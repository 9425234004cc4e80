import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { FulfilmentOrderView } from '../orders/order-schema.ts';
import { FO_KINDS, FO_STATUSES } from './fulfilment-order-states.ts';

export const REJECT_REASONS = ['out-of-stock', 'damaged', 'no-capacity', 'other'] as const;

export const FoParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const NodeParams = Type.Object(
  { nodeId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const EmptyBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const RejectRequest = Type.Object(
  {
    reason: Type.Union(
      REJECT_REASONS.map((r) => Type.Literal(r)),
      {
        description: 'out-of-stock and damaged also correct the node’s on hand; no-capacity fills its day',
      },
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RejectRequest = Static<typeof RejectRequest>;

export const ShortPickRequest = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        { sku: Sku, short: Type.Integer({ minimum: 1, description: 'Units not found' }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ShortPickRequest = Static<typeof ShortPickRequest>;

export const ShipRequest = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 60 }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 100 }),
    service: Type.Optional(Type.String({ maxLength: 60 })),
  },
  { additionalProperties: false },
);
export type ShipRequest = Static<typeof ShipRequest>;

export const QueueQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        pattern: `^(${FO_STATUSES.join('|')})(,(${FO_STATUSES.join('|')}))*$`,
        description:
          'Comma-separated statuses; default: the open work (released, accepted, picking, packed, ready-for-pickup)',
      }),
    ),
    kind: Type.Optional(Type.Union(FO_KINDS.map((k) => Type.Literal(k)))),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

export const QueuePage = Type.Object(
  { items: Type.Array(FulfilmentOrderView), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

export const ActionResult = Type.Object(
  {
    fulfilmentOrder: FulfilmentOrderView,
    orderStatus: Type.String(),
    rerouted: Type.Union([
      Type.Object(
        {
          allocatedUnits: Type.Integer(),
          pendingUnits: Type.Integer(),
          fulfilmentOrders: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
