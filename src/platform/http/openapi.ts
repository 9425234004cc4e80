import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json, rendered at /docs (no CDN). */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OrderGrid API',
        version: '1',
        description:
          'Distributed order management: network, catalog, inventory, routing, orders. Errors are RFC 9457 problem+json bodies with a stable `code` (see docs/errors.md).',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An OrderGrid API key' } },
      },
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
    transform({ schema, url, route }) {
      const roles = route.config?.roles;
      const transformed = { ...(schema ?? {}) } as Record<string, unknown>;
      if (roles) {
        transformed.security = [{ apiKey: [] }];
        const description =
          typeof transformed.description === 'string' ? `${transformed.description}\n\n` : '';
        transformed.description = `${description}Roles: ${roles.join(', ')}.`;
      }
      return { schema: transformed, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
