import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { captureOrder } from './order-capture.ts';
import { cancelOrder, changeOrder, liftHold, placeHold } from './order-changes.ts';
import { OrderInput } from './order-input-schema.ts';
import { findOrderId, getOrderView, listDecisions, listOrders } from './order-read.ts';
import {
  CancelRequest,
  ChangeRequest,
  DecisionList,
  HoldParams,
  HoldRequest,
  OrderIdParams,
  OrderListQuery,
  OrderPage,
  OrderView,
} from './order-schema.ts';

const tags = ['orders'];

export function eventContext(request: FastifyRequest) {
  const header = request.headers['x-correlation-id'];
  return {
    actor: request.principal?.name ?? null,
    correlationId: typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : null,
  };
}

export async function orderRoutes(app: AppInstance): Promise<void> {
  const deps = { db: app.services.db, routing: app.services.routing };
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method === 'POST' && request.url.includes('/cancel'))
      (request as { body: unknown }).body = {};
  });

  app.post(
    '/v1/orders',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Capture an order from any channel; it is routed, reserved and released at once',
        description:
          '201 with the order for the first capture; 200 with the same order for a repeat of its channel + externalId (idempotent, also under concurrent retries). An order that cannot be served now is still accepted: its units wait (status backordered, statusReason says why) and are allocated when stock arrives.',
        body: OrderInput,
        response: { 200: OrderView, 201: OrderView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await captureOrder(deps, request.body, eventContext(request));
      return reply.status(result.created ? 201 : 200).send(result.order);
    },
  );

  app.get(
    '/v1/orders',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: 'Orders, newest first',
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problemResponses },
      },
    },
    async (request) => listOrders(deps.db, request.query),
  );

  app.get(
    '/v1/orders/:id',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary:
          'One order: lines with units by state, every shipment with node, carrier, tracking and promised date',
        params: OrderIdParams,
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => getOrderView(deps.db, request.params.id),
  );

  app.get(
    '/v1/orders/:id/decision',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: 'Every routing decision of the order with its full explanation',
        params: OrderIdParams,
        response: { 200: DecisionList, ...problemResponses },
      },
    },
    async (request) => listDecisions(deps.db, request.params.id),
  );

  app.get(
    '/v1/channels/:id/orders/:externalId',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: "The customer's view of an order by the channel's own order id",
        params: Type.Object(
          { id: Type.String({ maxLength: 60 }), externalId: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => {
      const id = await findOrderId(deps.db, request.params.id, request.params.externalId);
      if (!id)
        throw new AppError(
          'order-not-found',
          `No order ${request.params.externalId} from channel ${request.params.id}`,
        );
      return getOrderView(deps.db, id);
    },
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Cancel the order, or some units of some lines, while not shipped',
        params: OrderIdParams,
        body: CancelRequest,
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => cancelOrder(deps, request.params.id, request.body, eventContext(request)),
  );

  app.patch(
    '/v1/orders/:id',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Change the address or line quantities before release (the order is routed again)',
        params: OrderIdParams,
        body: ChangeRequest,
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => changeOrder(deps, request.params.id, request.body, eventContext(request)),
  );

  app.post(
    '/v1/orders/:id/holds',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Place a hold (payment, fraud...): nothing more is released until it is lifted',
        params: OrderIdParams,
        body: HoldRequest,
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => placeHold(deps, request.params.id, request.body, eventContext(request)),
  );

  app.delete(
    '/v1/orders/:id/holds/:type',
    {
      config: { roles: access.integrate },
      schema: {
        tags,
        summary: 'Lift a hold; with none left, held fulfilment orders are released',
        params: HoldParams,
        response: { 200: OrderView, ...problemResponses },
      },
    },
    async (request) => liftHold(deps, request.params.id, request.params.type, eventContext(request)),
  );
}
