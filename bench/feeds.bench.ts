import { loadavg } from 'node:os';
import { startServer } from '../test/support/server-process.ts';
import { cpuMs } from './availability/bench-server.ts';
import { type BenchContext, median, quantile } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

const ADMIN_KEY = 'og_bench-feeds-admin-key-0123456789abcdef';
const NODES = 4;
const SKUS = 100;

function arg(ctx: BenchContext, name: string, fallback: number): number {
  return Number(ctx.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
}

const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

async function post(baseUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
}

async function seed(baseUrl: string): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  for (let i = 0; i < NODES; i++) {
    await put(`/v1/nodes/FN-${i}`, {
      kind: 'store',
      name: `Feed node ${i}`,
      lat: 30 + i,
      lon: -100 + i,
      timezone: 'America/Chicago',
      capabilities: ['ship', 'pickup'],
      handlingCost: 3,
      dailyCapacity: null,
      cutoffTime: '23:59',
      processingDays: 0,
    });
  }
  for (let s = 0; s < SKUS; s++) await put(`/v1/items/F-${s}`, { name: `Feed item ${s}`, weight: 1 });
  const rows = [];
  for (let i = 0; i < NODES; i++)
    for (let s = 0; s < SKUS; s++)
      rows.push({
        kind: 'receipt',
        nodeId: `FN-${i}`,
        sku: `F-${s}`,
        quantity: 1_000_000,
        source: 'seed',
        sourceId: `${i}:${s}`,
        sequence: 1,
      });
  await post(baseUrl, '/v1/inventory/adjustments', rows);
}

/** A till sale: one unit of one position, a new source id each time. */
function sale(n: number) {
  return {
    kind: 'adjustment',
    nodeId: `FN-${n % NODES}`,
    sku: `F-${(n * 7) % SKUS}`,
    quantity: -1,
    source: 'till',
    sourceId: `sale-${n}`,
    asOf: new Date().toISOString(),
    reason: 'sale',
  };
}

/** `total` single-row adjustments over `workers` clients, each sending the next when answered. */
async function run(
  baseUrl: string,
  total: number,
  workers: number,
  next: () => number,
): Promise<{ p50: number; p99: number; perS: number }> {
  const latencies: number[] = [];
  let left = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (left > 0) {
        left--;
        const body = sale(next());
        const t0 = performance.now();
        await post(baseUrl, '/v1/inventory/adjustments', body);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    p50: Number(median(latencies).toFixed(2)),
    p99: Number(quantile(latencies, 0.99).toFixed(2)),
    perS: Math.round(total / elapsed),
  };
}

/**
 * Latency of a single-row `POST /v1/inventory/adjustments` (a till sale) against a real server:
 * `--requests` sent one after another, then the same number from 16 concurrent clients. Server
 * CPU per request is reported too (barely moved by other load on the machine).
 *
 *   npm run bench -- feeds [--json] [--requests=3000] [--concurrency=16]
 */
export default async function feedsBench(ctx: BenchContext): Promise<void> {
  const requests = arg(ctx, 'requests', 3000);
  const concurrency = arg(ctx, 'concurrency', 16);
  const load0 = loadavg()[0]!;
  const database = await createBenchDatabase('feeds');
  const server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_ADMIN_KEY: ADMIN_KEY,
    ORDERGRID_WORKER: 'false',
    ORDERGRID_DEMO: 'false',
  });
  const pid = server.proc.pid!;
  let n = 0;
  try {
    await seed(server.baseUrl);
    await run(server.baseUrl, 300, 4, () => n++); // warm up: JIT, pools, prepared statements
    const cpu0 = cpuMs(pid);
    const sequential = await run(server.baseUrl, requests, 1, () => n++);
    const cpuSequential = (cpuMs(pid) - cpu0) / requests;
    ctx.log(`sequential: p50 ${sequential.p50} ms, p99 ${sequential.p99} ms, ${sequential.perS}/s`);
    const cpu1 = cpuMs(pid);
    const concurrent = await run(server.baseUrl, requests, concurrency, () => n++);
    const cpuConcurrent = (cpuMs(pid) - cpu1) / requests;
    ctx.log(
      `${concurrency} concurrent: p50 ${concurrent.p50} ms, p99 ${concurrent.p99} ms, ${concurrent.perS}/s`,
    );
    const what = 'single-row POST /v1/inventory/adjustments';
    ctx.report('sequential_p50_ms', sequential.p50, 'ms', `${what}, ${requests} one after another`);
    ctx.report('sequential_p99_ms', sequential.p99, 'ms');
    ctx.report('sequential_per_s', sequential.perS, '1/s');
    ctx.report('concurrent_p50_ms', concurrent.p50, 'ms', `${what}, ${requests} from ${concurrency} clients`);
    ctx.report('concurrent_p99_ms', concurrent.p99, 'ms');
    ctx.report('concurrent_per_s', concurrent.perS, '1/s');
    ctx.report(
      'server_cpu_ms_per_request',
      Number(((cpuSequential + cpuConcurrent) / 2).toFixed(3)),
      'ms',
      'server process CPU per request (PostgreSQL not included)',
    );
    ctx.report(
      'load_average',
      Number(((load0 + loadavg()[0]!) / 2).toFixed(1)),
      '',
      '1-minute, start and end',
    );
  } finally {
    await server.stop('SIGTERM');
    await database.drop();
  }
}
