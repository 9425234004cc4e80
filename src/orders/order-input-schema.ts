import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { DestinationInput } from '../network/destination-schema.ts';
import { NodeId } from '../network/node-schema.ts';

export const FULFILMENT_TYPES = ['ship', 'pickup', 'ship-to-store'] as const;
export const SERVICE_LEVELS = ['standard', 'express', 'next-day'] as const;
export const HOLD_TYPES = ['payment', 'fraud', 'customer', 'other'] as const;

/** `web`, `app`, `store`, `call-centre`, or `marketplace:<name>`. */
export const ChannelId = Type.String({
  pattern: '^(web|app|store|call-centre|marketplace:[a-z0-9][a-z0-9-]{0,40})$',
  description: 'web, app, store, call-centre, or marketplace:<name>',
});

export const Customer = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const OrderLineInput = Type.Object(
  {
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    price: Type.Number({ minimum: 0, description: 'Unit price in the order currency' }),
    externalLineId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "The channel's own line id" }),
    ),
  },
  { additionalProperties: false },
);

/** What a channel sends to capture an order (`POST /v1/orders`). */
export const OrderInput = Type.Object(
  {
    channel: ChannelId,
    externalId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "The channel's own order id (idempotency key)",
    }),
    customer: Customer,
    destination: DestinationInput,
    lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 200 }),
    fulfilment: Type.Union(
      FULFILMENT_TYPES.map((f) => Type.Literal(f)),
      { default: 'ship' },
    ),
    pickupNode: Type.Optional(NodeId),
    serviceLevel: Type.Union(
      SERVICE_LEVELS.map((s) => Type.Literal(s)),
      { default: 'standard' },
    ),
    currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
    placedAt: Type.Optional(Type.String({ format: 'date-time' })),
    holds: Type.Optional(
      Type.Array(Type.Union(HOLD_TYPES.map((h) => Type.Literal(h))), {
        uniqueItems: true,
        description: 'Holds that stop release until lifted (e.g. payment or fraud review)',
      }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type OrderInput = Static<typeof OrderInput>;
export type OrderLineInput = Static<typeof OrderLineInput>;
