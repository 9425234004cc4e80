import { type Static, Type } from '@sinclair/typebox';
import { ChannelId } from './channel-schema.ts';

export const FeedParams = Type.Object({ id: ChannelId }, { additionalProperties: false });

export const FeedQuery = Type.Object(
  {
    cursor: Type.Optional(
      Type.String({
        maxLength: 512,
        description: 'nextCursor of the previous page; absent = from the start',
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  },
  { additionalProperties: false },
);
export type FeedQuery = Static<typeof FeedQuery>;

const Sku = Type.String();
const Quantity = Type.Integer({ minimum: 0, description: 'Sellable units for this channel now' });
const ChangedAt = Type.String({ format: 'date-time', description: 'When the feed last changed this row' });

export const FeedPage = Type.Object(
  {
    channel: Type.String(),
    items: Type.Array(
      Type.Object({ sku: Sku, quantity: Quantity, changedAt: ChangedAt }, { additionalProperties: false }),
    ),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
    changesCursor: Type.String({
      description:
        'Pass to /availability/changes once every page is read: it returns what changed since the first page',
    }),
  },
  { additionalProperties: false },
);
export type FeedPage = Static<typeof FeedPage>;

export const ChangesPage = Type.Object(
  {
    channel: Type.String(),
    items: Type.Array(
      Type.Object(
        {
          sku: Sku,
          quantity: Quantity,
          previous: Type.Integer({ minimum: 0, description: 'The quantity before this change' }),
          changedAt: ChangedAt,
        },
        { additionalProperties: false },
      ),
    ),
    nextCursor: Type.String({
      description: 'Store it and pass it next time (the same cursor when nothing changed)',
    }),
    hasMore: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ChangesPage = Static<typeof ChangesPage>;
