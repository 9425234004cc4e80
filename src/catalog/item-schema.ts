import { type Static, Type } from '@sinclair/typebox';
import { ref } from '../platform/http/schema-ref.ts';

export const SIZE_CLASSES = ['small', 'medium', 'large', 'oversize'] as const;

export const Sku = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$',
  description: 'Letters, digits, dot, dash, colon, underscore; up to 64 characters',
});

const itemFields = {
  name: Type.String({ minLength: 1, maxLength: 300 }),
  weight: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'Pounds per unit' }),
  sizeClass: Type.Union(SIZE_CLASSES.map((s) => Type.Literal(s))),
  hazmat: Type.Boolean(),
  oversize: Type.Boolean(),
  attributes: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 500 }), {
    description: 'Free-form attributes (colour, size, brand...)',
  }),
  active: Type.Boolean({ description: 'Inactive items are not sold' }),
};

export const ItemInput = Type.Object(
  {
    name: itemFields.name,
    weight: itemFields.weight,
    sizeClass: Type.Optional(itemFields.sizeClass),
    hazmat: Type.Optional(itemFields.hazmat),
    oversize: Type.Optional(itemFields.oversize),
    attributes: Type.Optional(itemFields.attributes),
    active: Type.Optional(itemFields.active),
  },
  { additionalProperties: false },
);
export type ItemInput = Static<typeof ItemInput>;

export const ItemPatch = Type.Partial(Type.Object(itemFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type ItemPatch = Static<typeof ItemPatch>;

export const Item = Type.Object(
  {
    sku: Type.String(),
    name: Type.String(),
    weight: Type.Number(),
    sizeClass: itemFields.sizeClass,
    hazmat: Type.Boolean(),
    oversize: Type.Boolean(),
    attributes: Type.Record(Type.String(), Type.String()),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Item', additionalProperties: false },
);
export type Item = Static<typeof Item>;

export const ItemListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Substring of the sku or name' })),
    sizeClass: Type.Optional(itemFields.sizeClass),
    hazmat: Type.Optional(Type.Boolean()),
    oversize: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ItemListQuery = Static<typeof ItemListQuery>;

export const ItemPage = Type.Object(
  { items: Type.Array(ref(Item)), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
