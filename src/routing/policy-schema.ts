import { type Static, Type } from '@sinclair/typebox';

/**
 * The routing policy document: versioned data on top of the cost model. Exported as a TypeBox
 * schema so the HTTP layer can validate request bodies with the same definition.
 */

const Money = Type.Number({ minimum: 0 });
const Name = Type.String({ minLength: 1 });
const NameList = Type.Array(Name, { minItems: 1, uniqueItems: true });

export const NodeSelectorSchema = Type.Object(
  {
    nodes: Type.Optional(NameList),
    kinds: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('warehouse'),
          Type.Literal('store'),
          Type.Literal('3pl'),
          Type.Literal('dropship'),
        ]),
        { minItems: 1, uniqueItems: true },
      ),
    ),
    statuses: Type.Optional(NameList),
    tags: Type.Optional(NameList),
    regions: Type.Optional(NameList),
  },
  {
    additionalProperties: false,
    description: 'Matches a node when every named criterion matches (any value within a list).',
  },
);

export const RoutingPolicySchema = Type.Object(
  {
    id: Name,
    version: Type.Integer({ minimum: 1 }),
    description: Type.Optional(Type.String()),
    unfilledPenalty: Type.Optional(Money),
    dayCost: Type.Optional(Money),
    maxShipments: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'an integer >= 1 or null' }),
    ),
    shipComplete: Type.Optional(Type.Boolean()),
    costWeight: Type.Optional(Money),
    exclude: Type.Optional(
      Type.Array(
        Type.Object(
          {
            match: NodeSelectorSchema,
            channels: Type.Optional(NameList),
            reason: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    priorityGroups: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Name, match: NodeSelectorSchema, maxMiles: Type.Optional(Money) },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    ),
    protectLastUnits: Type.Optional(
      Type.Array(
        Type.Object(
          { match: NodeSelectorSchema, units: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
      ),
    ),
    capacity: Type.Optional(
      Type.Array(
        Type.Object(
          { match: NodeSelectorSchema, maxPackages: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
      ),
    ),
    cutoffs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            match: NodeSelectorSchema,
            localTime: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    co2e: Type.Optional(
      Type.Object(
        { costPerKg: Money, kgPerPackage: Money, kgPerLbMile: Money },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type NodeSelector = Static<typeof NodeSelectorSchema>;
export type RoutingPolicy = Static<typeof RoutingPolicySchema>;

/** The policy used when none is given: the cost model's defaults and no rules. */
export const DEFAULT_POLICY: RoutingPolicy = Object.freeze({ id: 'default', version: 1 });
