import autocannon from 'autocannon';
import { startServer } from '../test/support/server-process.ts';
import { type BenchContext, median } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

const ADMIN_KEY = 'og_bench-admin-key-0123456789abcdefghijkl';

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number): Promise<Run> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * Requests per second over loopback for GET /v1/nodes/{id} (key check + one indexed read), against
 * the ceiling of the same server answering GET /health (no key, no database) in the same run.
 */
export default async function httpBench(ctx: BenchContext): Promise<void> {
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 8);
  const runs = Number(ctx.args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
  const connections = 32;
  const database = await createBenchDatabase('http');
  const server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_ADMIN_KEY: ADMIN_KEY,
    ORDERGRID_WORKER: 'false',
  });
  try {
    await load(`${server.baseUrl}/v1/nodes/DC-ATL`, 2, connections); // warm-up (JIT, pool, key cache)
    const nodeRuns: Run[] = [];
    const healthRuns: Run[] = [];
    for (let i = 0; i < runs; i++) {
      ctx.log(`run ${i + 1}/${runs}`);
      healthRuns.push(await load(`${server.baseUrl}/health`, seconds, connections));
      nodeRuns.push(await load(`${server.baseUrl}/v1/nodes/DC-ATL`, seconds, connections));
    }
    const rps = median(nodeRuns.map((r) => r.rps));
    const ceiling = median(healthRuns.map((r) => r.rps));
    ctx.report(
      'get_node_per_s',
      Math.round(rps),
      '1/s',
      `GET /v1/nodes/{id}, ${connections} connections, median of ${runs}`,
    );
    ctx.report('get_node_p50_ms', median(nodeRuns.map((r) => r.p50)), 'ms');
    ctx.report('get_node_p99_ms', median(nodeRuns.map((r) => r.p99)), 'ms');
    ctx.report('health_per_s', Math.round(ceiling), '1/s', 'ceiling: GET /health, same server, same run');
    ctx.report('get_node_ceiling_ratio', Number((rps / ceiling).toFixed(3)), 'ratio');
    ctx.report(
      'errors',
      nodeRuns.reduce((s, r) => s + r.errors, 0),
      'count',
      'non-2xx or socket errors (must be 0)',
    );
  } finally {
    await server.stop('SIGTERM');
    await database.drop();
  }
}
