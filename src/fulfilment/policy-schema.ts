import { type Static, Type } from '@sinclair/typebox';
import { RoutingPolicySchema } from '../routing/index.ts';

export const PolicyId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'Letters, digits, dot, dash, underscore; up to 64 characters. `default` is the live policy.',
});

export const PolicyParams = Type.Object({ id: PolicyId }, { additionalProperties: false });
export const PolicyVersionParams = Type.Object(
  { id: PolicyId, n: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

const { id: _id, version: _version, ...documentFields } = RoutingPolicySchema.properties;

/** PUT body: the engine's policy document without id and version (the path and the store give them). */
export const PolicyDraftInput = Type.Object(documentFields, {
  additionalProperties: false,
  title: 'PolicyDraftInput',
  description: 'A routing policy document (see docs/policies.md) without id and version.',
});

export const POLICY_STATUSES = ['draft', 'active', 'retired'] as const;

export const PolicyVersion = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer({ description: 'A draft holds the version it gets when activated' }),
    status: Type.Union(POLICY_STATUSES.map((s) => Type.Literal(s))),
    document: RoutingPolicySchema,
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
    activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'PolicyVersion', additionalProperties: false },
);
export type PolicyVersion = Static<typeof PolicyVersion>;

const VersionRef = Type.Unsafe<PolicyVersion>(Type.Ref('PolicyVersion'));

export const PolicyDetail = Type.Object(
  {
    id: Type.String(),
    active: Type.Union([VersionRef, Type.Null()]),
    drafts: Type.Array(VersionRef, { description: 'At most one draft per policy' }),
    versions: Type.Integer({ description: 'How many versions exist (drafts included)' }),
  },
  { additionalProperties: false },
);
export type PolicyDetail = Static<typeof PolicyDetail>;

export const PolicyList = Type.Object({ items: Type.Array(PolicyDetail) }, { additionalProperties: false });
export type PolicyList = Static<typeof PolicyList>;

// ---- trying a draft on recent orders ---------------------------------------------------------

export const PolicyTryInput = Type.Object(
  {
    orders: Type.Integer({
      minimum: 1,
      maximum: 2000,
      default: 200,
      description: 'How many of the most recent routed orders to re-route',
    }),
  },
  { additionalProperties: false },
);
export type PolicyTryInput = Static<typeof PolicyTryInput>;

export const TrialMetrics = Type.Object(
  {
    orders: Type.Integer({ description: 'Orders re-routed' }),
    costPerOrder: Type.Number({
      description: 'Mean money per order: handling plus carrier, priced from the network',
    }),
    packagesPerOrder: Type.Number(),
    splitRate: Type.Number({ description: 'Share of orders sent in more than one package' }),
    meanTransitDays: Type.Number({ description: 'Mean transit days per package' }),
    unfilledUnits: Type.Integer({ description: 'Units the policy could not place' }),
    completeRate: Type.Number({ description: 'Share of orders planned in full' }),
  },
  { additionalProperties: false },
);
export type TrialMetrics = Static<typeof TrialMetrics>;

export const PolicyTryResult = Type.Object(
  {
    policyId: Type.String(),
    draftVersion: Type.Integer(),
    activeVersion: Type.Union([Type.Integer(), Type.Null()]),
    sample: Type.Object(
      {
        requested: Type.Integer(),
        routed: Type.Integer({
          description: 'Orders with a stored routing input, re-routed under both policies',
        }),
        from: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        to: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    active: TrialMetrics,
    draft: TrialMetrics,
    difference: Type.Object(
      {
        costPerOrder: Type.Number(),
        packagesPerOrder: Type.Number(),
        splitRate: Type.Number(),
        meanTransitDays: Type.Number(),
        unfilledUnits: Type.Integer(),
        completeRate: Type.Number(),
        ordersChanged: Type.Integer({ description: 'Orders whose plan (nodes and units) differs' }),
      },
      { additionalProperties: false, description: 'draft minus active' },
    ),
  },
  { additionalProperties: false },
);
export type PolicyTryResult = Static<typeof PolicyTryResult>;
