import { type Static, Type } from '@sinclair/typebox';
import { NODE_KINDS, NodeId } from '../network/node-schema.ts';
import { ref } from '../platform/http/schema-ref.ts';

export const ChannelId = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,31}(:[A-Za-z0-9][A-Za-z0-9._-]{0,63})?$',
  description: 'Lower-case name, optionally ":" and a sub-name, e.g. web, call-centre, marketplace:amazon',
});

const NodeKind = Type.Union(NODE_KINDS.map((k) => Type.Literal(k)));
const Tag = Type.String({ minLength: 1, maxLength: 64 });

export const ChannelBuffer = Type.Object(
  {
    units: Type.Integer({ minimum: 0, default: 0, description: 'Units held back per sku' }),
    percent: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 0,
      description: 'Percent of the network ATP held back, rounded up (after units)',
    }),
  },
  { additionalProperties: false },
);

export const AllowedNodes = Type.Object(
  {
    kinds: Type.Union([Type.Array(NodeKind, { uniqueItems: true }), Type.Null()], {
      default: null,
      description: 'Node kinds the channel sells from; null = any',
    }),
    tags: Type.Union([Type.Array(Tag, { uniqueItems: true, maxItems: 50 }), Type.Null()], {
      default: null,
      description: 'The node needs at least one of these tags; null = any',
    }),
    include: Type.Array(NodeId, {
      uniqueItems: true,
      maxItems: 1000,
      default: [],
      description: 'Nodes always allowed, whatever their kind or tags',
    }),
    exclude: Type.Array(NodeId, {
      uniqueItems: true,
      maxItems: 1000,
      default: [],
      description: 'Nodes never allowed (wins over include)',
    }),
  },
  { additionalProperties: false },
);

const channelFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  buffer: ChannelBuffer,
  cap: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'Most units shown per sku; null = no cap',
  }),
  allowedNodes: AllowedNodes,
  active: Type.Boolean({ description: 'An inactive channel sells from no node' }),
};

/** PUT body: the whole channel (missing optional parts take their defaults). */
export const ChannelInput = Type.Object(
  {
    name: channelFields.name,
    buffer: Type.Optional(channelFields.buffer),
    cap: Type.Optional(channelFields.cap),
    allowedNodes: Type.Optional(channelFields.allowedNodes),
    active: Type.Optional(channelFields.active),
  },
  { additionalProperties: false },
);
export type ChannelInput = Static<typeof ChannelInput>;

/** PATCH body: any subset of the top-level fields; `buffer` and `allowedNodes` are replaced whole. */
export const ChannelPatch = Type.Partial(Type.Object(channelFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type ChannelPatch = Static<typeof ChannelPatch>;

export const Channel = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    buffer: Type.Object({ units: Type.Integer(), percent: Type.Number() }, { additionalProperties: false }),
    cap: Type.Union([Type.Integer(), Type.Null()]),
    allowedNodes: Type.Object(
      {
        kinds: Type.Union([Type.Array(Type.String()), Type.Null()]),
        tags: Type.Union([Type.Array(Type.String()), Type.Null()]),
        include: Type.Array(Type.String()),
        exclude: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Channel', additionalProperties: false },
);
export type Channel = Static<typeof Channel>;

export const ChannelListQuery = Type.Object(
  { active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ChannelListQuery = Static<typeof ChannelListQuery>;

export const ChannelList = Type.Object({ items: Type.Array(ref(Channel)) }, { additionalProperties: false });
