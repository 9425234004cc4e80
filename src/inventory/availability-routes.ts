import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { parseAvailabilityQuery } from './availability-query.ts';
import {
  type AvailabilityResponse as Answer,
  AvailabilityQuery,
  AvailabilityResponse,
} from './availability-schema.ts';

export async function availabilityRoutes(app: AppInstance): Promise<void> {
  const availability = app.services.availability;

  app.get(
    '/v1/availability',
    {
      config: { roles: access.read },
      schema: {
        tags: ['inventory'],
        summary: 'Real-time availability (ATP) of up to 100 skus, per channel, node kind and distance',
        description:
          'Served from the in-memory index of this instance, kept fresh by PostgreSQL notifications; indexStalenessMs bounds its age. Destination: lat+lon, postalCode, or city (+region, country). Associates see only their nodes.',
        querystring: AvailabilityQuery,
        response: { 200: AvailabilityResponse, ...problemResponses },
      },
    },
    async (request): Promise<Answer> => {
      const q = parseAvailabilityQuery(request.query);
      const principal = request.principal;
      const answer = availability.lookup({
        skus: q.skus,
        channel: q.channel,
        kinds: q.kinds,
        nodeIds: principal.role === 'associate' ? principal.nodeIds : null,
        origin: q.destination,
        radiusMiles: q.radiusMiles,
        detail: q.detail,
      });
      const d = q.destination;
      return {
        channel: q.channel,
        ...(d ? { destination: { lat: d.lat, lon: d.lon, source: d.source, label: d.label } } : {}),
        ...(q.radiusMiles !== null ? { radiusMiles: q.radiusMiles } : {}),
        ...answer,
      };
    },
  );
}
