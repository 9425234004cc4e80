import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { NodeId } from '../network/node-schema.ts';

export const RESERVATION_STATUSES = ['open', 'released', 'consumed', 'expired'] as const;

export const OwnerRef = Type.Object(
  {
    type: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$', description: 'e.g. order, cart, transfer' }),
    id: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false, description: 'Who holds the units: an order, a cart...' },
);
export type OwnerRef = Static<typeof OwnerRef>;

export const ReserveLine = Type.Object(
  {
    nodeId: NodeId,
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    lineId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "The owner's line id" })),
  },
  { additionalProperties: false },
);

export const ReserveRequest = Type.Object(
  {
    lines: Type.Array(ReserveLine, { minItems: 1, maxItems: 500 }),
    owner: OwnerRef,
    expiresAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'A hold (cart): released by the expiry job after this',
      }),
    ),
    idempotencyKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Same key, same body: same result, applied once',
      }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ReserveRequest = Static<typeof ReserveRequest>;

export const Reservation = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    requestId: Type.String({ format: 'uuid' }),
    line: Type.Integer({ description: 'Index of the line in its reserve request' }),
    lineId: Type.Union([Type.String(), Type.Null()]),
    nodeId: Type.String(),
    sku: Type.String(),
    quantity: Type.Integer({ description: 'Units still held' }),
    requested: Type.Integer(),
    consumed: Type.Integer(),
    released: Type.Integer(),
    status: Type.Union(RESERVATION_STATUSES.map((s) => Type.Literal(s))),
    owner: OwnerRef,
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Reservation = Static<typeof Reservation>;

export const Shortage = Type.Object(
  {
    line: Type.Integer(),
    nodeId: Type.String(),
    sku: Type.String(),
    requested: Type.Integer(),
    available: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Shortage = Static<typeof Shortage>;

export const ReserveResult = Type.Union([
  Type.Object(
    { ok: Type.Literal(true), reservations: Type.Array(Reservation) },
    { additionalProperties: false },
  ),
  Type.Object(
    { ok: Type.Literal(false), reason: Type.Literal('insufficient-stock'), shortages: Type.Array(Shortage) },
    { additionalProperties: false },
  ),
]);
export type ReserveResult = Static<typeof ReserveResult>;

export const ReleaseRequest = Type.Object(
  {
    quantity: Type.Optional(Type.Integer({ minimum: 1, description: 'Default: every unit still held' })),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ReleaseRequest = Static<typeof ReleaseRequest>;

export const ConsumeRequest = Type.Object(
  {
    quantity: Type.Optional(Type.Integer({ minimum: 1, description: 'Default: every unit still held' })),
    reference: Type.Optional(Type.String({ maxLength: 200, description: 'e.g. the shipment id' })),
  },
  { additionalProperties: false },
);
export type ConsumeRequest = Static<typeof ConsumeRequest>;

export const ReassignRequest = Type.Object(
  { nodeId: NodeId, reason: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type ReassignRequest = Static<typeof ReassignRequest>;

export const ReassignResult = Type.Union([
  Type.Object({ ok: Type.Literal(true), reservation: Reservation }, { additionalProperties: false }),
  Type.Object(
    { ok: Type.Literal(false), reason: Type.Literal('insufficient-stock'), shortages: Type.Array(Shortage) },
    { additionalProperties: false },
  ),
]);
export type ReassignResult = Static<typeof ReassignResult>;

/** Who acts, and the id that ties the movements and events of one business operation together. */
export interface OperationContext {
  actor?: string | null;
  correlationId?: string | null;
}
