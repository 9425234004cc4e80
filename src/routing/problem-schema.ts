import { type Static, Type } from '@sinclair/typebox';

/**
 * TypeBox schema of the routing problem file (format version 1). Every object is closed
 * (additionalProperties: false): a misspelt optional field is an error, never a silent default.
 * Cross-references (ids, band order, pickup nodes) are checked in problem-validator.ts.
 */

const Id = Type.String({ minLength: 1 });
const Money = Type.Number({ minimum: 0 });
const Days = Type.Integer({ minimum: 0 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const MaxMiles = Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
  description: 'a number >= 0 or null',
});
const closed = { additionalProperties: false } as const;

export const ZoneRatesSchema = Type.Object(
  {
    model: Type.Literal('zone'),
    bands: Type.Array(Type.Object({ maxMiles: MaxMiles, base: Money, perLb: Money, days: Days }, closed), {
      minItems: 1,
    }),
  },
  closed,
);

export const LinearRatesSchema = Type.Object(
  {
    model: Type.Literal('linear'),
    perPackage: Money,
    perUnit: Money,
    perUnitMile: Money,
    bands: Type.Array(Type.Object({ maxMiles: MaxMiles, days: Days }, closed), { minItems: 1 }),
  },
  closed,
);

export const ProblemNodeSchema = Type.Object(
  {
    id: Id,
    kind: Type.Union(
      [Type.Literal('warehouse'), Type.Literal('store'), Type.Literal('3pl'), Type.Literal('dropship')],
      { description: 'one of "warehouse", "store", "3pl", "dropship"' },
    ),
    lat: Lat,
    lon: Lon,
    handlingCost: Money,
    extraDays: Type.Optional(Days),
    capacity: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'an integer >= 0 or null' }),
    ),
    enabled: Type.Optional(Type.Boolean()),
    fulfils: Type.Optional(
      Type.Array(
        Type.Union([Type.Literal('ship'), Type.Literal('pickup')], { description: '"ship" or "pickup"' }),
        {
          minItems: 1,
          uniqueItems: true,
        },
      ),
    ),
  },
  closed,
);

export const ProblemOrderSchema = Type.Object(
  {
    id: Id,
    destination: Type.Object({ lat: Lat, lon: Lon }, closed),
    lines: Type.Array(Type.Object({ sku: Id, quantity: Type.Integer({ minimum: 1 }) }, closed), {
      minItems: 1,
    }),
    pickupNode: Type.Optional(Id),
    latestDays: Type.Optional(Days),
  },
  closed,
);

export const ProblemPolicySchema = Type.Object(
  {
    unfilledPenalty: Type.Optional(Money),
    dayCost: Type.Optional(Money),
    maxShipments: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'an integer >= 1 or null' }),
    ),
  },
  closed,
);

/** The whole file; `rates` is one of the two rate models, told apart by `model`. */
export const RoutingProblemSchema = Type.Object(
  {
    version: Type.Literal(1),
    mode: Type.Union([Type.Literal('sequential'), Type.Literal('batch')], {
      description: '"sequential" or "batch"',
    }),
    rates: Type.Union([ZoneRatesSchema, LinearRatesSchema]),
    nodes: Type.Array(ProblemNodeSchema),
    items: Type.Array(Type.Object({ sku: Id, weight: Type.Number({ exclusiveMinimum: 0 }) }, closed)),
    inventory: Type.Array(
      Type.Object({ node: Id, sku: Id, available: Type.Integer({ minimum: 0 }) }, closed),
    ),
    orders: Type.Array(ProblemOrderSchema),
    policy: Type.Optional(ProblemPolicySchema),
  },
  closed,
);

export type RoutingProblem = Static<typeof RoutingProblemSchema>;
