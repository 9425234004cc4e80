import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../http/app-instance.ts';
import { problemResponses } from '../http/problem-responses.ts';
import { ref } from '../http/schema-ref.ts';
import { ApiKey, ApiKeyInput, Me } from './key-schema.ts';
import { access } from './roles.ts';

const tags = ['access'];

export async function keyRoutes(app: AppInstance): Promise<void> {
  const keys = app.services.keys;

  // The console shows each role its own views; without this it could only find the role by
  // probing routes and reading the refusals.
  app.get(
    '/v1/me',
    {
      config: { roles: access.read },
      schema: {
        tags: ['keys'],
        summary: 'The key making this request: its name, role and nodes (never the secret)',
        response: { 200: Me, ...problemResponses },
      },
    },
    async (request) => {
      const { keyId, name, role, nodeIds } = request.principal;
      return { keyId, name, role, nodeIds };
    },
  );

  app.post(
    '/v1/keys',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Create an API key (the key is shown once, in this response)',
        body: ApiKeyInput,
        response: {
          201: Type.Object({ key: Type.String(), apiKey: ref(ApiKey) }, { additionalProperties: false }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await keys.create(request.body, request.principal.name)),
  );

  app.get(
    '/v1/keys',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        response: {
          200: Type.Object({ items: Type.Array(ref(ApiKey)) }, { additionalProperties: false }),
          ...problemResponses,
        },
      },
    },
    async () => ({ items: await keys.list() }),
  );

  app.delete(
    '/v1/keys/:id',
    {
      config: { roles: access.admin },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: ref(ApiKey), ...problemResponses },
      },
    },
    async (request) => keys.revoke(request.params.id, request.principal.name),
  );
}
