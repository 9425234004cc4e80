import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { DestinationInput } from '../network/destination-schema.ts';
import { ChannelId } from '../orders/order-input-schema.ts';

const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, calendar day' });

export const FulfilmentOptionsInput = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        { sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    destination: DestinationInput,
    channel: Type.Optional(ChannelId),
    at: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the order would be placed (default: now)' }),
    ),
    pickup: Type.Optional(
      Type.Object(
        {
          radiusMiles: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, maximum: 500, description: 'Default 50' }),
          ),
          limit: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 20,
              description: 'Most stores listed (default 3); 0 = none',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type FulfilmentOptionsInput = Static<typeof FulfilmentOptionsInput>;

const Line = Type.Object({ sku: Type.String(), quantity: Type.Integer() }, { additionalProperties: false });

export const OptionShipment = Type.Object(
  {
    node: Type.String(),
    lines: Type.Array(Line),
    miles: Type.Number(),
    cost: Type.Number({ description: 'Handling plus carrier, in money' }),
    cutoffMissed: Type.Boolean({ description: "Placed after the node's local cut-off: leaves a day later" }),
    processingDays: Type.Integer(),
    transitDays: Type.Integer(),
    shipDate: LocalDate,
    deliveryDate: LocalDate,
  },
  { additionalProperties: false },
);

export const DeliveryOption = Type.Object(
  {
    serviceLevel: Type.Union([Type.Literal('standard'), Type.Literal('express'), Type.Literal('next-day')], {
      description: 'The service level to order with to get this plan',
    }),
    complete: Type.Boolean({ description: 'Every unit of the cart is planned' }),
    packages: Type.Integer(),
    cost: Type.Number({ description: 'Handling plus carrier of all packages, in money' }),
    deliveryDate: LocalDate,
    shipments: Type.Array(OptionShipment),
    unfilled: Type.Array(Line),
  },
  { additionalProperties: false },
);
export type DeliveryOption = Static<typeof DeliveryOption>;

export const PickupOption = Type.Object(
  {
    node: Type.String(),
    kind: Type.String(),
    distanceMiles: Type.Number(),
    timezone: Type.String(),
    readyAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PickupOption = Static<typeof PickupOption>;

export const FulfilmentOptions = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    channel: Type.String(),
    destination: Type.Object(
      { lat: Type.Number(), lon: Type.Number(), source: Type.String(), label: Type.String() },
      { additionalProperties: false },
    ),
    lines: Type.Array(
      Type.Object(
        {
          sku: Type.String(),
          quantity: Type.Integer(),
          available: Type.Integer({ description: "The channel's network ATP of the sku" }),
        },
        { additionalProperties: false },
      ),
    ),
    delivery: Type.Object(
      {
        cheapest: Type.Union([DeliveryOption, Type.Null()]),
        fastest: Type.Union([DeliveryOption, Type.Null()]),
      },
      { additionalProperties: false },
    ),
    pickup: Type.Array(PickupOption, { description: 'Nearest stores that can serve the whole cart' }),
    indexStalenessMs: Type.Integer(),
  },
  { additionalProperties: false },
);
export type FulfilmentOptions = Static<typeof FulfilmentOptions>;
