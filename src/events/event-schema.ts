import { type Static, Type } from '@sinclair/typebox';

export const Event = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    position: Type.Integer({ description: 'Global read order' }),
    type: Type.String(),
    aggregateType: Type.String(),
    aggregateId: Type.String(),
    aggregateSeq: Type.Integer({ description: 'Sequence within the aggregate, from 1, without gaps' }),
    payload: Type.Unknown(),
    actor: Type.Union([Type.String(), Type.Null()]),
    correlationId: Type.Union([Type.String(), Type.Null()]),
    occurredAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Event', additionalProperties: false },
);
export type Event = Static<typeof Event>;

export const EventQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ description: 'Cursor: the nextCursor of the previous page (or a position)' }),
    ),
    types: Type.Optional(
      Type.String({ description: 'Comma-separated event types, e.g. node.created,node.updated' }),
    ),
    aggregateType: Type.Optional(Type.String()),
    aggregateId: Type.Optional(Type.String()),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuery>;
