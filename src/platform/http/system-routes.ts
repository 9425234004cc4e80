import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { access } from '../auth/roles.ts';
import { sendProblem } from '../errors/problem.ts';
import type { AppInstance } from './app-instance.ts';
import { problemResponses } from './problem-responses.ts';

const Status = Type.Object({ status: Type.String(), uptimeSeconds: Type.Number() });

export async function systemRoutes(app: AppInstance, opts: { registry: Registry }): Promise<void> {
  const started = Date.now();
  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Status } } },
    async () => ({ status: 'ok', uptimeSeconds: (Date.now() - started) / 1000 }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: the database is reachable',
        response: { 200: Status, ...problemResponses },
      },
    },
    async (request, reply) => {
      try {
        await Promise.race([
          sql`SELECT 1`.execute(app.services.db),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
        ]);
        return { status: 'ready', uptimeSeconds: (Date.now() - started) / 1000 };
      } catch {
        reply.header('retry-after', '2');
        return sendProblem(reply, request, 'database-unavailable', 'The database is not reachable');
      }
    },
  );

  app.get(
    '/metrics',
    {
      config: { roles: access.readAll },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
        response: { 200: Type.String(), ...problemResponses },
      },
    },
    async (_request, reply) => {
      reply.type(opts.registry.contentType);
      return opts.registry.metrics();
    },
  );
}
