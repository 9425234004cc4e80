import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitSettings } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';
import { sendProblem } from '../errors/problem.ts';

/** Load balancer probes: refusing them would take a healthy instance out of rotation. */
const PROBES = new Set(['/health', '/ready']);

/**
 * Per-instance request limits (counters live in this process's memory, so N instances allow N
 * times the budget; see docs/security.md):
 * - authenticated requests count against their API key, with a budget per role;
 * - public routes count against the client IP;
 * - failed authentications count against the client IP in a separate, much smaller budget, checked
 *   before the key is looked up, so guessing keys (and flooding the key table) is slowed down.
 * The failed-authentication guard is an app-level onRequest hook, so it runs before the route-level
 * authentication hook; the request limiter runs at preParsing, after authentication (it counts
 * against the key) and before any body is read.
 */
export async function installRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  const { perRole, anonymous, windowMs, failedAuth, failedAuthWindowMs } = settings;
  const anyRequestLimit = anonymous > 0 || Object.values(perRole).some((n) => n > 0);
  if (!anyRequestLimit && failedAuth === 0) return;

  const limitFor = (request: FastifyRequest): number => {
    const principal = request.principal;
    if (principal) return perRole[principal.role];
    return PROBES.has(request.routeOptions.url ?? '') ? 0 : anonymous;
  };

  await app.register(rateLimit, {
    global: anyRequestLimit,
    // The route-level auth hook (onRequest) has set request.principal by now; a request it
    // refused never reaches this counter.
    hook: 'preParsing',
    timeWindow: windowMs,
    enableDraftSpec: true,
    cache: 20_000,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    allowList: (request) => limitFor(request) === 0,
    max: (request) => limitFor(request),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate-limited',
        `Rate limit of ${context.max} requests exceeded; retry in ${context.after}`,
      ),
  });

  if (failedAuth === 0) return;
  const failures = app.createRateLimit({
    max: failedAuth,
    timeWindow: failedAuthWindowMs,
    keyGenerator: (request) => `auth-fail:${request.ip}`,
    allowList: () => false,
  });
  // Addresses with a failure on record: the hot path only looks up this set, and peeks at the
  // counter only for them. Bounded: when it is cleared, an address is back on it at its next failure.
  const suspects = new Set<string>();
  app.addHook('onRequest', (request, reply, done) => {
    if (!suspects.has(request.ip) || !request.routeOptions.config?.roles) return done();
    failures(request, { increment: false }).then((seen) => {
      if (seen.isAllowed || seen.remaining > 0) return done();
      reply.header('retry-after', String(seen.ttlInSeconds));
      sendProblem(
        reply,
        request,
        'rate-limited',
        `Too many failed authentications from this address; retry in ${seen.ttlInSeconds} s`,
      );
    }, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode !== 401) return done();
    if (suspects.size >= 10_000) suspects.clear();
    suspects.add(request.ip);
    failures(request).then(() => done(), done);
  });
}
