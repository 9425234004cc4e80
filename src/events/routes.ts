import { Type } from '@sinclair/typebox';
import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { ref } from '../platform/http/schema-ref.ts';
import { readEvents } from './event-reader.ts';
import { Event, EventQuery } from './event-schema.ts';
import { webhookRoutes } from './webhook-routes.ts';

export async function eventRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/v1/events',
    {
      config: { roles: access.readAll },
      schema: {
        tags: ['events'],
        summary: 'Read the event outbox in order',
        description:
          'Pass the returned nextCursor as `after` to continue; an empty page keeps the same cursor, so polling with it never misses an event.',
        querystring: EventQuery,
        response: {
          200: Type.Object(
            { items: Type.Array(ref(Event)), nextCursor: Type.String() },
            { additionalProperties: false },
          ),
          ...problemResponses,
        },
      },
    },
    async (request) => readEvents(app.services.db, request.query),
  );

  await app.register(webhookRoutes);
}
