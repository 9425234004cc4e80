import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onResponseHookHandler,
} from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

type Observe = (seconds: number) => void;

/** One registry per app, so several apps in one process (tests) never clash. */
export function installMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'ordergrid_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'ordergrid_http_problems_total',
    help: 'Problem responses by code',
    labelNames: ['status'],
    registers: [registry],
  });
  // prom-client hashes the label set on every observe(); the bound child of each
  // (route, method, status) is looked up once and kept. Each route gets its own table, attached
  // when it is declared, so a request costs two map reads and never reads the route options.
  const observers = (route: string) => {
    const byMethod = new Map<string, Map<number, Observe>>();
    return (method: string, status: number): Observe => {
      let byStatus = byMethod.get(method);
      if (!byStatus) {
        byStatus = new Map();
        byMethod.set(method, byStatus);
      }
      let observe = byStatus.get(status);
      if (!observe) {
        const child = duration.labels(route, method, String(status));
        observe = (seconds) => child.observe(seconds);
        byStatus.set(status, observe);
      }
      return observe;
    };
  };
  const record = (
    observer: ReturnType<typeof observers>,
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    const status = reply.statusCode;
    observer(request.method, status)(reply.elapsedTime / 1000);
    if (status >= 400) problems.inc({ status: String(status) });
    done();
  };
  app.addHook('onRoute', (route) => {
    const observer = observers(route.url);
    const hook: onResponseHookHandler = (request, reply, done) => record(observer, request, reply, done);
    const own = route.onResponse;
    route.onResponse = own ? [...(Array.isArray(own) ? own : [own]), hook] : [hook];
  });
  // Requests no route matched (the not-found handlers) run only the app-wide hooks.
  const unmatched = observers('unmatched');
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.is404) return done();
    record(unmatched, request, reply, done);
  });
  return registry;
}
