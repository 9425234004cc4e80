import { Type } from '@sinclair/typebox';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { resolveDestination } from './destination-resolver.ts';
import { DestinationInput } from './destination-schema.ts';

const Resolved = Type.Object(
  {
    lat: Type.Number(),
    lon: Type.Number(),
    source: Type.Union([Type.Literal('coordinates'), Type.Literal('postal-code'), Type.Literal('city')]),
    label: Type.String(),
  },
  { additionalProperties: false },
);

export async function destinationRoutes(app: AppInstance): Promise<void> {
  app.post(
    '/v1/destinations/resolve',
    {
      config: { roles: access.read },
      schema: {
        tags: ['network'],
        summary: 'Locate a destination offline (coordinates, US ZIP or city), as orders do',
        body: DestinationInput,
        response: { 200: Resolved, ...problemResponses },
      },
    },
    async (request) => {
      const result = resolveDestination(request.body);
      if (!result.ok) {
        throw new AppError('destination-unresolvable', result.message, {
          errors: [{ pointer: result.pointer, detail: result.message, in: 'body' }],
        });
      }
      return { lat: result.lat, lon: result.lon, source: result.source, label: result.label };
    },
  );
}
