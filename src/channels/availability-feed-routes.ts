import { access } from '../platform/auth/roles.ts';
import type { AppInstance } from '../platform/http/app-instance.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { readFeed, readFeedChanges } from './availability-feed-read.ts';
import { ChangesPage, FeedPage, FeedParams, FeedQuery } from './availability-feed-schema.ts';

const tags = ['channels'];

/** The pull side of the channel availability feed (docs/channel-feeds.md). */
export async function availabilityFeedRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/v1/channels/:id/availability',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: "A channel's sellable quantity of every sku (its feed), by sku, cursor-paged",
        description:
          'Recomputed in the background after every inventory, node or channel change. Follow with /availability/changes from changesCursor.',
        params: FeedParams,
        querystring: FeedQuery,
        response: { 200: FeedPage, ...problemResponses },
      },
    },
    async (request) => readFeed(app.services.db, request.params.id, request.query),
  );

  app.get(
    '/v1/channels/:id/availability/changes',
    {
      config: { roles: access.readAll },
      schema: {
        tags,
        summary: 'The skus whose sellable quantity changed since a cursor, with the new quantity',
        description:
          'Drops to 0 included. Store nextCursor and pass it next time; an empty page returns the same cursor.',
        params: FeedParams,
        querystring: FeedQuery,
        response: { 200: ChangesPage, ...problemResponses },
      },
    },
    async (request) => readFeedChanges(app.services.db, request.params.id, request.query),
  );
}
