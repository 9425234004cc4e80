import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { FO_STATUSES } from '../fulfilment/fulfilment-order-states.ts';
import { DestinationInput } from '../network/destination-schema.ts';
import { HOLD_TYPES } from './order-input-schema.ts';
import { ORDER_STATUSES } from './order-states.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const DateOnly = Type.String({ format: 'date' });

export const LineQuantities = Type.Object(
  {
    ordered: Type.Integer(),
    cancelled: Type.Integer(),
    /** Waiting for routing or stock. */
    backordered: Type.Integer(),
    /** In fulfilment orders not yet released (a hold). */
    routed: Type.Integer(),
    /** Released to a node, not yet shipped or ready. */
    released: Type.Integer(),
    readyForPickup: Type.Integer(),
    shipped: Type.Integer(),
    delivered: Type.Integer(),
    pickedUp: Type.Integer(),
  },
  { additionalProperties: false, description: 'Every unit of the line is in exactly one bucket' },
);

export const OrderLineView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    lineNo: Type.Integer(),
    sku: Type.String(),
    quantity: Type.Integer(),
    price: Type.Number(),
    externalLineId: Nullable(Type.String()),
    status: Type.String({ description: 'The state most of its units are in' }),
    quantities: LineQuantities,
  },
  { additionalProperties: false },
);

export const FulfilmentOrderLineView = Type.Object(
  {
    orderLineId: Type.String({ format: 'uuid' }),
    sku: Type.String(),
    quantity: Type.Integer(),
    short: Type.Integer(),
  },
  { additionalProperties: false },
);

export const FulfilmentOrderView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    orderId: Type.String({ format: 'uuid' }),
    seq: Type.Integer(),
    nodeId: Type.String(),
    kind: Type.String(),
    status: Type.Union(FO_STATUSES.map((s) => Type.Literal(s))),
    acceptBy: Nullable(DateTime),
    releasedAt: Nullable(DateTime),
    acceptedAt: Nullable(DateTime),
    shippedAt: Nullable(DateTime),
    completedAt: Nullable(DateTime),
    carrier: Nullable(Type.String()),
    trackingNumber: Nullable(Type.String()),
    promisedDate: Nullable(DateOnly),
    days: Type.Integer(),
    miles: Type.Number(),
    reason: Nullable(Type.String()),
    lines: Type.Array(FulfilmentOrderLineView),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { additionalProperties: false },
);
export type FulfilmentOrderView = Static<typeof FulfilmentOrderView>;

export const DecisionSummary = Type.Object(
  {
    trigger: Type.String(),
    outcome: Type.String(),
    strategy: Type.String(),
    cost: Type.Union([Type.Number(), Type.Null()]),
    nodes: Type.Array(Type.String()),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);

export const ResolvedDestination = Type.Object(
  {
    ...DestinationInput.properties,
    lat: Type.Number(),
    lon: Type.Number(),
    source: Type.String(),
    label: Type.String(),
  },
  { additionalProperties: false },
);

export const OrderView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    channel: Type.String(),
    externalId: Type.String(),
    status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
    statusReason: Nullable(Type.String()),
    customer: Type.Record(Type.String(), Type.Unknown()),
    destination: ResolvedDestination,
    fulfilment: Type.String(),
    pickupNode: Nullable(Type.String()),
    serviceLevel: Type.String(),
    currency: Type.String(),
    placedAt: DateTime,
    holds: Type.Array(Type.String()),
    excludedNodes: Type.Array(Type.String()),
    notes: Nullable(Type.String()),
    promisedDate: Nullable(DateOnly),
    serviceLevelMet: Type.Union([
      Type.Boolean({
        description:
          'Whether every live shipment arrives within the service level (express 2 days, next-day 1); false when no node could meet it and the order ships slower rather than wait; null when the level has no limit or nothing is routed',
      }),
      Type.Null(),
    ]),
    lines: Type.Array(OrderLineView),
    fulfilmentOrders: Type.Array(FulfilmentOrderView),
    decision: Type.Union([DecisionSummary, Type.Null()]),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { additionalProperties: false },
);
export type OrderView = Static<typeof OrderView>;

export const OrderListQuery = Type.Object(
  {
    channel: Type.Optional(Type.String({ maxLength: 60 })),
    externalId: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderSummary = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    channel: Type.String(),
    externalId: Type.String(),
    status: Type.String(),
    statusReason: Nullable(Type.String()),
    fulfilment: Type.String(),
    serviceLevel: Type.String(),
    holds: Type.Array(Type.String()),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);

export const OrderPage = Type.Object(
  { items: Type.Array(OrderSummary), nextCursor: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const DecisionRecord = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trigger: Type.String(),
    outcome: Type.String(),
    strategy: Type.String(),
    plan: Type.Unknown(),
    cost: Type.Unknown(),
    explanation: Type.Unknown(),
    excludedNodes: Type.Array(Type.String()),
    policy: Type.Union([Type.Object({ id: Type.String(), version: Type.Integer() }), Type.Null()]),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);

export const DecisionList = Type.Object(
  { orderId: Type.String({ format: 'uuid' }), decisions: Type.Array(DecisionRecord) },
  { additionalProperties: false },
);

export const CancelRequest = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            lineId: Type.String({ format: 'uuid' }),
            quantity: Type.Optional(
              Type.Integer({ minimum: 1, description: 'Default: every unit not yet shipped' }),
            ),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200, description: 'Cancel only these lines; default: the whole order' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CancelRequest = Static<typeof CancelRequest>;

export const ChangeRequest = Type.Object(
  {
    destination: Type.Optional(DestinationInput),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            lineId: Type.String({ format: 'uuid' }),
            quantity: Type.Integer({ minimum: 0, maximum: 10_000 }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200 },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ChangeRequest = Static<typeof ChangeRequest>;

export const HoldRequest = Type.Object(
  {
    type: Type.Union(HOLD_TYPES.map((h) => Type.Literal(h))),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type HoldRequest = Static<typeof HoldRequest>;

export const OrderIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const HoldParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), type: Type.Union(HOLD_TYPES.map((h) => Type.Literal(h))) },
  { additionalProperties: false },
);
export const CustomerViewParams = Type.Object(
  { channel: Type.String({ maxLength: 60 }), externalId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export const LineSku = Sku;
