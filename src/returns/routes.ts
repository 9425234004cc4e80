import { eventContext } from '../orders/routes.ts';
import { access, type Role } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import { getOrderReturns, getReturn } from './return-read.ts';
import {
  AuthoriseReturnRequest,
  OrderReturns,
  ReceiveReturnRequest,
  ReturnParams,
  ReturnView,
} from './return-schema.ts';
import { authoriseReturn, receiveReturn } from './return-service.ts';

const tags = ['returns'];
/** Return desks: staff systems, and associates at the node concerned (checked per request). */
const returnDesk: readonly Role[] = ['admin', 'integration', 'associate'];

export async function returnRoutes(app: AppInstance): Promise<void> {
  const { db } = app.services;

  app.post(
    '/v1/orders/:id/returns',
    {
      config: { roles: returnDesk },
      schema: {
        tags,
        summary: 'Authorise a return of shipped units (by mail to a warehouse, or in a store)',
        description:
          'Each line may return at most its shipped units minus those already in returns. mail: to the warehouse named by nodeId, or the nearest online warehouse that accepts returns; in-store: to nodeId, a store that accepts returns (any store, not only the one that shipped). Associates may authorise in-store returns at their own store. Writes return.authorised on the order.',
        params: ReturnParams,
        body: AuthoriseReturnRequest,
        response: { 201: ref(ReturnView), ...problemResponses },
      },
    },
    async (request, reply) => {
      const view = await authoriseReturn(
        db,
        request.params.id,
        request.body,
        request.principal,
        eventContext(request),
      );
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/v1/orders/:id/returns',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: "An order's returns and where each line stands (shipped, in returns, returned)",
        params: ReturnParams,
        response: { 200: OrderReturns, ...problemResponses },
      },
    },
    async (request) => getOrderReturns(db, request.params.id),
  );

  app.get(
    '/v1/returns/:id',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: 'One return',
        params: ReturnParams,
        response: { 200: ref(ReturnView), ...problemResponses },
      },
    },
    async (request) => getReturn(db, request.params.id),
  );

  app.post(
    '/v1/returns/:id/receive',
    {
      config: { roles: returnDesk },
      schema: {
        tags,
        summary: 'Receive a return at a node, with a disposition per line (restock, damaged, refurbish)',
        description:
          'Any node that accepts returns may receive it (associates: their own nodes only). restock puts the units back on hand at the receiving node (a return-restock inventory movement, so its ATP rises) in the same transaction; damaged and refurbish are recorded and never sellable. Refund per line = unit price x units received. Writes return.received and refund.computed on the order; a delivered order whose every unit came back becomes returned.',
        params: ReturnParams,
        body: ReceiveReturnRequest,
        response: { 200: ref(ReturnView), ...problemResponses },
      },
    },
    async (request) =>
      receiveReturn(db, request.params.id, request.body, request.principal, eventContext(request)),
  );
}
