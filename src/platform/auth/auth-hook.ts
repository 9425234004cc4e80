import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from '../errors/problem.ts';
import type { ApiKeyService } from './api-key-service.ts';
import type { Principal, Role } from './roles.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on this route; absent means the route is public (health, ready, docs). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

/** Every route declaring `config.roles` requires a key of one of those roles. */
export function installAuth(app: FastifyInstance, keys: ApiKeyService): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config?.roles;
    if (!roles) return;
    const key = presentedKey(request);
    if (!key)
      return sendProblem(
        reply,
        request,
        'unauthenticated',
        'Send an API key as "Authorization: Bearer <key>"',
      );
    const principal = await keys.authenticate(key);
    if (!principal)
      return sendProblem(reply, request, 'unauthenticated', 'The API key is unknown, revoked or expired');
    if (!roles.includes(principal.role)) {
      return sendProblem(
        reply,
        request,
        'forbidden',
        `Role ${principal.role} may not ${request.method} this resource`,
      );
    }
    request.principal = principal;
  });
}
