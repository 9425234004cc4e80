import { type Static, Type } from '@sinclair/typebox';
import { ref } from '../platform/http/schema-ref.ts';

export const NODE_KINDS = ['warehouse', 'store', '3pl', 'dropship'] as const;
export const NODE_CAPABILITIES = ['ship', 'pickup', 'ship-to-store', 'returns'] as const;
export const NODE_STATUSES = ['online', 'paused', 'offline'] as const;

export const NodeId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'Letters, digits, dot, dash, underscore; up to 64 characters',
});

export const NodeAddress = Type.Object(
  {
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    postalCode: Type.Optional(Type.String({ maxLength: 20 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  },
  { additionalProperties: false },
);

const nodeFields = {
  kind: Type.Union(NODE_KINDS.map((k) => Type.Literal(k))),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Type.Optional(NodeAddress),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. America/Chicago' }),
  capabilities: Type.Array(Type.Union(NODE_CAPABILITIES.map((c) => Type.Literal(c))), {
    minItems: 1,
    uniqueItems: true,
  }),
  handlingCost: Type.Number({ minimum: 0, description: 'Money per package (pick, pack, labour)' }),
  dailyCapacity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'Most packages per day; null = no limit',
  }),
  cutoffTime: Type.String({
    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
    description: 'Local HH:MM order cut-off',
  }),
  processingDays: Type.Integer({ minimum: 0, maximum: 30 }),
  status: Type.Union(NODE_STATUSES.map((s) => Type.Literal(s))),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true, maxItems: 50 }),
  priorityGroup: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
};

/** PUT body: the whole node. lat/lon may be left out when the address can be located. */
export const NodeInput = Type.Object(
  {
    ...nodeFields,
    status: Type.Optional(nodeFields.status),
    tags: Type.Optional(nodeFields.tags),
    priorityGroup: Type.Optional(nodeFields.priorityGroup),
    dailyCapacity: Type.Optional(nodeFields.dailyCapacity),
    cutoffTime: Type.Optional(nodeFields.cutoffTime),
    processingDays: Type.Optional(nodeFields.processingDays),
    handlingCost: Type.Optional(nodeFields.handlingCost),
  },
  { additionalProperties: false },
);
export type NodeInput = Static<typeof NodeInput>;

/** PATCH body: any subset of the fields. */
export const NodePatch = Type.Partial(Type.Object(nodeFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type NodePatch = Static<typeof NodePatch>;

export const Node = Type.Object(
  {
    id: Type.String(),
    kind: nodeFields.kind,
    name: Type.String(),
    address: NodeAddress,
    lat: Type.Number(),
    lon: Type.Number(),
    timezone: Type.String(),
    capabilities: Type.Array(Type.String()),
    handlingCost: Type.Number(),
    dailyCapacity: Type.Union([Type.Integer(), Type.Null()]),
    cutoffTime: Type.String(),
    processingDays: Type.Integer(),
    status: nodeFields.status,
    tags: Type.Array(Type.String()),
    priorityGroup: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Node', additionalProperties: false },
);
export type Node = Static<typeof Node>;

export const NodeListQuery = Type.Object(
  {
    kind: Type.Optional(nodeFields.kind),
    status: Type.Optional(nodeFields.status),
    tag: Type.Optional(Type.String()),
    capability: Type.Optional(Type.Union(NODE_CAPABILITIES.map((c) => Type.Literal(c)))),
    priorityGroup: Type.Optional(Type.String()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type NodeListQuery = Static<typeof NodeListQuery>;

export const NodePage = Type.Object(
  { items: Type.Array(ref(Node)), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
