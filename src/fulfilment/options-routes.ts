import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { FulfilmentOptions, FulfilmentOptionsInput } from './options-schema.ts';
import { FulfilmentOptionsService } from './options-service.ts';

export async function fulfilmentOptionRoutes(app: AppInstance): Promise<void> {
  const service = new FulfilmentOptionsService(app.services.routing, app.services.availability);

  app.post(
    '/v1/fulfilment-options',
    {
      config: { roles: access.read },
      schema: {
        tags: ['fulfilment'],
        summary: 'Delivery and pickup options for a cart, before purchase (reserves nothing)',
        description:
          'Cheapest and fastest delivery (packages, nodes, cost, delivery date after cut-off times, processing and transit days) and the nearest pickup stores that can serve the whole cart, with a ready time. Served from memory (availability index and compiled network); see docs/fulfilment-options.md.',
        body: FulfilmentOptionsInput,
        response: { 200: FulfilmentOptions, ...problemResponses },
      },
    },
    async (request) => service.options(request.body),
  );
}
