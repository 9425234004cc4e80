import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
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

/**
 * Every route declaring `config.roles` requires a key of one of those roles. The check is attached
 * to each such route when it is declared, first among its own onRequest hooks (before the rate
 * limiter, which counts against the key): public routes pay nothing, and a request reads its
 * roles from this closure rather than from the route options.
 */
export function installAuth(app: FastifyInstance, keys: ApiKeyService): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  const admit = (
    roles: readonly Role[],
    principal: Principal | null,
    request: FastifyRequest,
    reply: FastifyReply,
  ): boolean => {
    if (!principal) {
      sendProblem(reply, request, 'unauthenticated', 'The API key is unknown, revoked or expired');
      return false;
    }
    if (!roles.includes(principal.role)) {
      sendProblem(
        reply,
        request,
        'forbidden',
        `Role ${principal.role} may not ${request.method} this resource`,
      );
      return false;
    }
    request.principal = principal;
    return true;
  };
  const guard =
    (roles: readonly Role[]): onRequestHookHandler =>
    (request, reply, done) => {
      const key = presentedKey(request);
      if (!key) {
        sendProblem(reply, request, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>"');
        return;
      }
      // A key seen in the last seconds is answered from memory without a promise; others are looked up.
      const cached = keys.cachedPrincipal(key);
      if (cached !== undefined) {
        if (admit(roles, cached, request, reply)) done();
        return;
      }
      keys.authenticate(key).then((principal) => {
        if (admit(roles, principal, request, reply)) done();
      }, done);
    };
  app.addHook('onRoute', (route) => {
    const roles = route.config?.roles;
    if (!roles) return;
    const own = route.onRequest;
    const hook = guard(roles);
    route.onRequest = own ? [hook, ...(Array.isArray(own) ? own : [own])] : [hook];
  });
}
