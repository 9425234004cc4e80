import { type Static, Type } from '@sinclair/typebox';
import { Sku } from '../catalog/item-schema.ts';
import { NODE_KINDS, NodeId } from '../network/node-schema.ts';
import { MOVEMENT_KINDS } from './movements.ts';

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const Position = Type.Object(
  {
    nodeId: Type.String(),
    sku: Type.String(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    safetyStock: Type.Integer({
      description: 'Effective safety stock (position, else node, else kind default)',
    }),
    safetyOverride: NullableInt,
    reorderPoint: NullableInt,
    atp: Type.Integer({ description: 'on hand - reserved - safety stock, never below 0' }),
    version: Type.Integer(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof Position>;

export const IncomingSupply = Type.Object(
  {
    id: Type.String(),
    nodeId: Type.String(),
    sku: Type.String(),
    kind: Type.Union([Type.Literal('purchase-order'), Type.Literal('transfer')]),
    quantity: Type.Integer(),
    expectedOn: Type.String({ format: 'date' }),
    reference: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('open'), Type.Literal('received'), Type.Literal('cancelled')]),
    version: Type.Integer(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type IncomingSupply = Static<typeof IncomingSupply>;

export const PositionDetail = Type.Object(
  {
    ...Position.properties,
    incoming: Type.Array(IncomingSupply, { description: 'Open incoming supply, by expected day' }),
    atpByDate: Type.Array(
      Type.Object(
        { date: Type.String({ format: 'date' }), atp: Type.Integer() },
        { additionalProperties: false },
      ),
      { description: 'Future ATP: today’s ATP plus the supply expected by each day with incoming' },
    ),
  },
  { additionalProperties: false },
);
export type PositionDetail = Static<typeof PositionDetail>;

export const PositionParams = Type.Object({ nodeId: NodeId, sku: Sku }, { additionalProperties: false });

export const PositionListQuery = Type.Object(
  {
    nodeId: Type.Optional(NodeId),
    sku: Type.Optional(Sku),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PositionListQuery = Static<typeof PositionListQuery>;

export const PositionPage = Type.Object(
  { items: Type.Array(Position), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

export const Movement = Type.Object(
  {
    id: Type.Integer(),
    nodeId: Type.String(),
    sku: Type.String(),
    kind: Type.Union(MOVEMENT_KINDS.map((k) => Type.Literal(k))),
    onHandDelta: Type.Integer(),
    reservedDelta: Type.Integer(),
    reason: Type.Union([Type.String(), Type.Null()]),
    actor: Type.Union([Type.String(), Type.Null()]),
    source: Type.Union([Type.String(), Type.Null()]),
    sourceId: Type.Union([Type.String(), Type.Null()]),
    correlationId: Type.Union([Type.String(), Type.Null()]),
    reservationId: Type.Union([Type.String(), Type.Null()]),
    occurredAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Movement = Static<typeof Movement>;

export const MovementQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type MovementQuery = Static<typeof MovementQuery>;

export const MovementPage = Type.Object(
  { items: Type.Array(Movement), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

const feedCommon = {
  nodeId: NodeId,
  sku: Sku,
  source: Type.String({ minLength: 1, maxLength: 100, description: 'The system sending the update' }),
  sourceId: Type.String({ minLength: 1, maxLength: 200, description: "The update's id there: applied once" }),
  sequence: Type.Optional(Type.Integer({ minimum: 0, description: 'Increasing per source, node and sku' })),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
  correlationId: Type.Optional(Type.String({ maxLength: 200 })),
};

export const Adjustment = Type.Object(
  {
    ...feedCommon,
    kind: Type.Optional(
      Type.Union(
        ['receipt', 'adjustment', 'return-restock', 'transfer-in', 'transfer-out'].map((k) =>
          Type.Literal(k),
        ),
        { default: 'adjustment' },
      ),
    ),
    quantity: Type.Integer({ description: 'The change of on hand: + receipt, - shrink, damage, till sale' }),
    asOf: Type.Optional(Type.String({ format: 'date-time', description: 'When it happened at the source' })),
  },
  { additionalProperties: false },
);
export type Adjustment = Static<typeof Adjustment>;

export const Count = Type.Object(
  {
    ...feedCommon,
    quantity: Type.Integer({ minimum: 0, description: 'Units physically there at countedAt' }),
    countedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Count = Static<typeof Count>;

/**
 * Request bodies of /adjustments and /counts: one update or up to 10,000. Their rows are validated
 * by the feed validator (as bulk feeds are), so every problem names `/rows/{index}/{field}`; the
 * typed schemas above document the fields.
 */
function oneOrMany<T extends typeof Adjustment | typeof Count>(row: T) {
  return Type.Unsafe<Static<T> | Static<T>[]>({
    anyOf: [
      { type: 'object', description: `One update: ${Object.keys(row.properties).join(', ')}` },
      { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: 10_000 },
    ],
  });
}
export const AdjustmentBody = oneOrMany(Adjustment);
export const CountBody = oneOrMany(Count);

export const FeedReportSchema = Type.Object(
  {
    feedId: Type.String(),
    rows: Type.Integer(),
    applied: Type.Integer(),
    duplicate: Type.Integer({ description: 'Already applied (same source and sourceId)' }),
    stale: Type.Integer({ description: 'Older than what was applied: not applied' }),
    superseded: Type.Integer({ description: 'A count replaced by a later count of the same batch' }),
    positions: Type.Integer({ description: 'Positions whose counters changed' }),
    skipped: Type.Array(
      Type.Object(
        {
          row: Type.Integer(),
          status: Type.Union([Type.Literal('duplicate'), Type.Literal('stale'), Type.Literal('superseded')]),
          sourceId: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const IncomingInput = Type.Object(
  {
    nodeId: NodeId,
    sku: Sku,
    kind: Type.Union([Type.Literal('purchase-order'), Type.Literal('transfer')]),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    expectedOn: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
    reference: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('received'), Type.Literal('cancelled')], {
        default: 'open',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IncomingInput = Static<typeof IncomingInput>;

export const IncomingId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' });

export const IncomingQuery = Type.Object(
  {
    nodeId: Type.Optional(NodeId),
    sku: Type.Optional(Sku),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('received'), Type.Literal('cancelled')]),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type IncomingQuery = Static<typeof IncomingQuery>;

export const NodeKind = Type.Union(NODE_KINDS.map((k) => Type.Literal(k)));

export const SafetyStockValue = Type.Object(
  { safetyStock: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()]) },
  { additionalProperties: false },
);

export const SafetyStockConfig = Type.Object(
  {
    kinds: Type.Record(Type.String(), Type.Integer()),
    nodes: Type.Record(Type.String(), Type.Integer()),
  },
  { additionalProperties: false },
);

export const SafetyStockChange = Type.Object(
  { positionsChanged: Type.Integer() },
  { additionalProperties: false },
);

export const PositionSettings = Type.Object(
  {
    safetyOverride: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()]),
    ),
    reorderPoint: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PositionSettings = Static<typeof PositionSettings>;
