import { type Static, Type } from '@sinclair/typebox';
import { NodeId } from '../network/node-schema.ts';

export const DISPOSITIONS = ['restock', 'damaged', 'refurbish'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
export const RETURN_METHODS = ['mail', 'in-store'] as const;

const Uuid = Type.String({ format: 'uuid' });

export const ReturnParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const AuthoriseReturnRequest = Type.Object(
  {
    method: Type.Union(
      RETURN_METHODS.map((m) => Type.Literal(m)),
      {
        description:
          'mail: posted to a warehouse (the nearest that accepts returns unless nodeId names one); in-store: brought to nodeId',
      },
    ),
    nodeId: Type.Optional(NodeId),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.String({ format: 'uuid', description: 'The order line' }),
          quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type AuthoriseReturnRequest = Static<typeof AuthoriseReturnRequest>;

export const ReceiveReturnRequest = Type.Object(
  {
    nodeId: NodeId,
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.String({ format: 'uuid', description: 'The order line (as authorised)' }),
          quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
          disposition: Type.Union(
            DISPOSITIONS.map((d) => Type.Literal(d)),
            {
              description: 'restock: sellable again at the receiving node; damaged, refurbish: not sellable',
            },
          ),
        },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        maxItems: 400,
        description:
          'A line may appear several times with different dispositions; units not listed did not arrive',
      },
    ),
  },
  { additionalProperties: false },
);
export type ReceiveReturnRequest = Static<typeof ReceiveReturnRequest>;

const Receipt = Type.Object(
  {
    nodeId: Type.String(),
    quantity: Type.Integer(),
    disposition: Type.Union(DISPOSITIONS.map((d) => Type.Literal(d))),
    refund: Type.Number(),
  },
  { additionalProperties: false },
);

export const ReturnView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    orderId: Type.String({ format: 'uuid' }),
    status: Type.Union([Type.Literal('authorised'), Type.Literal('received')]),
    method: Type.Union(RETURN_METHODS.map((m) => Type.Literal(m))),
    nodeId: Type.String({ description: 'Where the units are expected' }),
    receivedNodeId: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.String({ format: 'uuid' }),
          lineNo: Type.Integer(),
          sku: Type.String(),
          quantity: Type.Integer({ description: 'Units authorised' }),
          unitPrice: Type.Number(),
          received: Type.Array(Receipt),
          refund: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
    refundTotal: Type.Union([Type.Number(), Type.Null()], { description: 'Set once received' }),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    receivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    receivedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ReturnView', additionalProperties: false },
);
export type ReturnView = Static<typeof ReturnView>;

export const OrderReturns = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    status: Type.Union([Type.Literal('none'), Type.Literal('partially-returned'), Type.Literal('returned')], {
      description: 'returned: every unit bought (not cancelled) came back; partially-returned: some did',
    }),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.String({ format: 'uuid' }),
          lineNo: Type.Integer(),
          sku: Type.String(),
          shipped: Type.Integer(),
          authorised: Type.Integer({ description: 'Units in returns not yet received' }),
          returned: Type.Integer({ description: 'Units received back' }),
          returnable: Type.Integer({ description: 'shipped - authorised - returned' }),
          status: Type.Union([
            Type.Literal('none'),
            Type.Literal('partially-returned'),
            Type.Literal('returned'),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
    returns: Type.Array(Type.Unsafe<ReturnView>(Type.Ref('ReturnView'))),
  },
  { additionalProperties: false },
);
export type OrderReturns = Static<typeof OrderReturns>;
