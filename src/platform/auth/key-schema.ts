import { type Static, Type } from '@sinclair/typebox';
import { NodeId } from '../../network/node-schema.ts';
import { ROLES } from './roles.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const ApiKeyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    nodeIds: Type.Optional(
      Type.Array(NodeId, { uniqueItems: true, maxItems: 100, description: 'Required for associates' }),
    ),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ApiKeyInput = Static<typeof ApiKeyInput>;

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    nodeIds: Type.Array(Type.String()),
    prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiKey', additionalProperties: false },
);

/** The key making a request, as GET /v1/me shows it: never the secret. */
export const Me = Type.Object(
  {
    keyId: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    nodeIds: Type.Array(Type.String(), { description: 'For associates: the nodes the key is bound to' }),
  },
  { additionalProperties: false },
);
