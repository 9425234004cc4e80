import type { FastifyInstance } from 'fastify';
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
  // (route, method, status) is looked up once and kept, so a request costs three map reads.
  const children = new Map<string, Map<string, Map<number, Observe>>>();
  const observer = (route: string, method: string, status: number): Observe => {
    let byMethod = children.get(route);
    if (!byMethod) {
      byMethod = new Map();
      children.set(route, byMethod);
    }
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
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    observer(request.routeOptions.url ?? 'unmatched', request.method, status)(reply.elapsedTime / 1000);
    if (status >= 400) problems.inc({ status: String(status) });
    done();
  });
  return registry;
}
