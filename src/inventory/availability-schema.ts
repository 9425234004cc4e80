import { type Static, Type } from '@sinclair/typebox';
import { ChannelId } from '../channels/channel-schema.ts';

export const MAX_AVAILABILITY_SKUS = 100;

export const AvailabilityQuery = Type.Object(
  {
    skus: Type.String({
      minLength: 1,
      maxLength: 8_000,
      description: `Comma-separated skus, at most ${MAX_AVAILABILITY_SKUS}`,
    }),
    channel: Type.Optional(ChannelId),
    nodeKinds: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Comma-separated node kinds, e.g. store,warehouse',
      }),
    ),
    lat: Type.Optional(
      Type.Number({ minimum: -90, maximum: 90, description: 'Destination latitude; with lon' }),
    ),
    lon: Type.Optional(
      Type.Number({ minimum: -180, maximum: 180, description: 'Destination longitude; with lat' }),
    ),
    postalCode: Type.Optional(Type.String({ maxLength: 16, description: 'Destination US ZIP' })),
    city: Type.Optional(
      Type.String({ maxLength: 100, description: 'Destination city (with region, country)' }),
    ),
    region: Type.Optional(Type.String({ maxLength: 10, description: 'State or region code, e.g. IL' })),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, default US' }),
    ),
    radiusMiles: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 12_500,
        description: 'Only nodes within this distance of the destination (needs a destination)',
      }),
    ),
    detail: Type.Boolean({ default: false, description: 'Include per-node rows' }),
  },
  { additionalProperties: false },
);
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

const AvailabilityNode = Type.Object(
  {
    nodeId: Type.String(),
    kind: Type.String(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    safety: Type.Integer(),
    atp: Type.Integer({ description: 'on hand - reserved - safety, never below 0' }),
    distanceMiles: Type.Optional(Type.Number({ description: 'From the destination, when one is given' })),
  },
  { additionalProperties: false },
);

const SkuAvailability = Type.Object(
  {
    sku: Type.String(),
    networkAtp: Type.Integer({
      description:
        'Sum of node ATP over the nodes that pass every filter, after the channel’s buffer and cap',
    }),
    nodes: Type.Optional(Type.Array(AvailabilityNode, { description: 'With detail=true' })),
  },
  { additionalProperties: false },
);

export const AvailabilityResponse = Type.Object(
  {
    channel: Type.Union([Type.String(), Type.Null()]),
    destination: Type.Optional(
      Type.Object(
        { lat: Type.Number(), lon: Type.Number(), source: Type.String(), label: Type.String() },
        { additionalProperties: false },
      ),
    ),
    radiusMiles: Type.Optional(Type.Number()),
    indexLoadedAt: Type.String({
      format: 'date-time',
      description: 'When this instance last loaded the index',
    }),
    indexStalenessMs: Type.Integer({
      description: 'Upper bound on the index’s age: every change committed this long ago is included',
    }),
    items: Type.Array(SkuAvailability),
  },
  { additionalProperties: false },
);
export type AvailabilityResponse = Static<typeof AvailabilityResponse>;
