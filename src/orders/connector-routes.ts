import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { findConnector } from '../channels/connectors/connector-registry.ts';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { captureOrder } from './order-capture.ts';
import { OrderInput } from './order-input-schema.ts';
import { OrderView } from './order-schema.ts';
import { eventContext } from './routes.ts';

/** Platform order webhooks: the connector's pure normaliser, then the same capture as POST /v1/orders. */
export async function connectorRoutes(app: AppInstance): Promise<void> {
  const deps = { db: app.services.db, routing: app.services.routing };
  app.post(
    '/v1/connectors/:platform/orders',
    {
      config: { roles: access.integrate },
      schema: {
        tags: ['orders'],
        summary: 'Capture an order sent in a platform’s own format (shopify, amazon, ebay)',
        description:
          'The payload is normalised by the platform connector and captured like POST /v1/orders (idempotent on the platform order id). A payload that is not a usable order is a 422 whose errors point into the payload as sent; nothing is created.',
        params: Type.Object({ platform: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        response: { 200: OrderView, 201: OrderView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const connector = findConnector(request.params.platform);
      if (!connector)
        throw new AppError('connector-not-found', `No connector for ${request.params.platform}`);
      const result = connector.normaliseOrder(request.body ?? null);
      if (!result.ok) {
        throw new AppError('invalid-channel-payload', `The ${connector.id} payload is not a usable order`, {
          errors: result.errors.map((e) => ({ pointer: e.pointer, detail: e.detail, in: 'body' as const })),
        });
      }
      const order = Value.Default(OrderInput, structuredClone(result.order)) as OrderInput;
      const problems = [...Value.Errors(OrderInput, order)].slice(0, 20);
      if (problems.length) {
        throw new AppError(
          'invalid-channel-payload',
          `The ${connector.id} order does not make a valid order`,
          {
            errors: problems.map((p) => ({ pointer: p.path, detail: p.message, in: 'body' as const })),
          },
        );
      }
      const captured = await captureOrder(deps, order, eventContext(request));
      return reply.status(captured.created ? 201 : 200).send(captured.order);
    },
  );
}
