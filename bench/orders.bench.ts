import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { startServer } from '../test/support/server-process.ts';
import { cpuMs } from './availability/bench-server.ts';
import { type BenchContext, median, quantile } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';
import { openLoop } from './orders/open-loop-client.ts';

const ADMIN_KEY = 'og_bench-orders-admin-key-0123456789abcdef';
const NODES = 10;
const SKUS = 200;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function arg(ctx: BenchContext, name: string, fallback: number): number {
  return Number(ctx.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
}

/** A plausible web order: 1–3 lines of random skus, a random US destination. */
function orderBody(prefix: string, n: number) {
  const lines = new Map<string, number>();
  const count = 1 + (n % 3);
  for (let i = 0; i < count; i++) lines.set(`B-${(n * 7919 + i * 104_729) % SKUS}`, 1 + ((n + i) % 2));
  return {
    channel: 'web',
    externalId: `${prefix}-${n}`,
    customer: { id: `c${n % 5000}` },
    destination: { lat: 26 + ((n * 37) % 2100) / 100, lon: -122 + ((n * 53) % 4700) / 100 },
    lines: [...lines].map(([sku, quantity]) => ({ sku, quantity, price: 19.99 })),
  };
}

async function capture(url: string, seconds: number, connections: number, prefix: string): Promise<Run> {
  let n = 0;
  const result = await autocannon({
    url: `${url}/v1/orders`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, body: JSON.stringify(orderBody(prefix, n++)) }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * The ceiling: the same rows an order needs (order, lines, the positions' reserved counters and
 * reservations, one event) written by ONE statement per order on the same database, durable
 * commit, the same concurrency: the fewest round trips possible.
 */
async function ceiling(
  url: string,
  seconds: number,
  connections: number,
  prefix: string,
): Promise<{ rps: number; p99: number }> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const deadline = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let done = 0;
  let n = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const i = n++;
        const body = orderBody(prefix, i);
        const id = randomUUID();
        const node = `BN-${i % NODES}`;
        const skus = body.lines.map((l) => l.sku);
        const qty = body.lines.map((l) => l.quantity);
        const started = performance.now();
        // Named: parsed and planned once per connection, as the service's statements are.
        await pool.query({
          name: 'ceiling-order',
          text: `WITH o AS (
             INSERT INTO orders (id, channel, external_id, status, customer, destination, dest_lat, dest_lon, fulfilment,
               service_level, priority, currency, placed_at)
             VALUES ($1, 'web', $2, 'released', $3::jsonb, $4::jsonb, $5, $6, 'ship', 'standard', 2, 'USD', now())
             RETURNING id),
           l AS (
             INSERT INTO order_lines (id, order_id, line_no, sku, quantity, price, allocated)
             SELECT gen_random_uuid(), o.id, x.n, x.sku, x.q, 19.99, x.q FROM o, unnest($7::text[], $8::int[]) WITH ORDINALITY AS x(sku, q, n)),
           p AS (
             UPDATE inventory_positions p SET reserved = p.reserved + x.q, version = p.version + 1
             FROM unnest($7::text[], $8::int[]) AS x(sku, q)
             WHERE p.node_id = $9 AND p.sku = x.sku AND p.on_hand - p.reserved - p.safety_stock >= x.q
             RETURNING p.sku),
           r AS (
             INSERT INTO reservations (id, request_id, line, node_id, sku, quantity, requested, status, owner_type, owner_id,
               created_at, updated_at)
             SELECT gen_random_uuid(), $1, x.n - 1, $9, x.sku, x.q, x.q, 'open', 'order', $1, now(), now()
             FROM unnest($7::text[], $8::int[]) WITH ORDINALITY AS x(sku, q, n)),
           e AS (
             INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload)
             VALUES (gen_random_uuid(), 'order.created', 'order-ceiling', $1, 1, $4::jsonb))
           SELECT count(*) FROM p`,
          values: [
            id,
            body.externalId,
            JSON.stringify(body.customer),
            JSON.stringify(body.destination),
            body.destination.lat,
            body.destination.lon,
            skus,
            qty,
            node,
          ],
        });
        latencies.push(performance.now() - started);
        done++;
      }
    }),
  );
  await pool.end();
  return { rps: done / seconds, p99: quantile(latencies, 0.99) };
}

async function seed(baseUrl: string): Promise<void> {
  const h = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, { method: 'PUT', headers: h, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  for (let i = 0; i < NODES; i++) {
    await put(`/v1/nodes/BN-${i}`, {
      kind: i < 4 ? 'warehouse' : 'store',
      name: `Bench node ${i}`,
      lat: 28 + ((i * 3.7) % 19),
      lon: -120 + ((i * 11.3) % 45),
      timezone: 'America/Chicago',
      capabilities: ['ship', 'pickup'],
      handlingCost: i < 4 ? 2 : 3.5,
      dailyCapacity: null,
      cutoffTime: '23:59',
      processingDays: 0,
    });
  }
  for (let s = 0; s < SKUS; s++)
    await put(`/v1/items/B-${s}`, { name: `Bench item ${s}`, weight: 0.5 + (s % 7) / 2 });
  const rows = [];
  for (let i = 0; i < NODES; i++)
    for (let s = 0; s < SKUS; s++)
      rows.push({
        kind: 'receipt',
        nodeId: `BN-${i}`,
        sku: `B-${s}`,
        quantity: 1_000_000,
        source: 'bench',
        sourceId: `${i}:${s}`,
        sequence: 1,
      });
  const res = await fetch(`${baseUrl}/v1/inventory/adjustments`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify(rows),
  });
  if (res.status !== 200) throw new Error(`stock: ${res.status} ${await res.text()}`);
}

/**
 * Orders per second captured, routed and reserved end to end over HTTP on PostgreSQL (one
 * transaction per order: capture, route, reserve, fulfilment orders, decision, events), against
 * the bare-SQL ceiling measured in the same run. The maximum rate is measured closed-loop
 * (`--connections` clients sending as soon as answered); latency is then measured OPEN-loop at half
 * that rate: orders are sent on a fixed schedule and timed from when they were due, so queueing
 * in the client, the kernel, the server's pool and PostgreSQL all count.
 *
 *   npm run bench -- orders [--json] [--runs=3] [--seconds=6] [--connections=32] [--pool=N]
 */
export default async function ordersBench(ctx: BenchContext): Promise<void> {
  const seconds = arg(ctx, 'seconds', 6);
  const runs = arg(ctx, 'runs', 3);
  const connections = arg(ctx, 'connections', 32);
  const pool = arg(ctx, 'pool', connections);
  const load0 = loadavg()[0]!;
  const database = await createBenchDatabase('orders');
  const server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_ADMIN_KEY: ADMIN_KEY,
    ORDERGRID_WORKER: 'false',
    ORDERGRID_DEMO: 'false',
    DATABASE_POOL_SIZE: String(pool),
  });
  const pid = server.proc.pid!;
  try {
    await seed(server.baseUrl);
    await new Promise((r) => setTimeout(r, 1_000)); // the index applies the receipts
    await capture(server.baseUrl, 2, connections, 'warm'); // JIT, pools, network compile
    const http: Run[] = [];
    const sql: { rps: number; p99: number }[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      ctx.log(`run ${i + 1}/${runs}`);
      sql.push(await ceiling(database.url, seconds, connections, `sql${i}`));
      const cpu0 = cpuMs(pid);
      const run = await capture(server.baseUrl, seconds, connections, `max${i}`);
      http.push(run);
      cpu.push((cpuMs(pid) - cpu0) / Math.max(1, run.rps * seconds));
      ctx.log(`  ceiling ${Math.round(sql.at(-1)!.rps)}/s, HTTP ${Math.round(run.rps)}/s, p99 ${run.p99} ms`);
    }
    const rps = median(http.map((r) => r.rps));
    const ceilingRps = median(sql.map((r) => r.rps));
    const rate = Math.max(1, Math.round(rps / 2));
    const half: { p50: number; p99: number; errors: number }[] = [];
    for (let i = 0; i < runs; i++) {
      let n = 0;
      const r = await openLoop({
        baseUrl: server.baseUrl,
        path: '/v1/orders',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        rate,
        seconds,
        body: () => JSON.stringify(orderBody(`half${i}`, n++)),
      });
      ctx.log(`  open loop at ${rate}/s: p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`);
      half.push(r);
    }
    ctx.report(
      'orders_per_s',
      Math.round(rps),
      '1/s',
      `POST /v1/orders end to end, ${connections} connections, pool ${pool}, median of ${runs}`,
    );
    ctx.report(
      'ceiling_per_s',
      Math.round(ceilingRps),
      '1/s',
      'bare SQL: one statement per order, same rows, same concurrency',
    );
    ctx.report('orders_ceiling_ratio', Number((rps / ceilingRps).toFixed(3)), 'ratio', 'target >= 0.5');
    ctx.report(
      'p50_ms',
      median(half.map((r) => r.p50)),
      'ms',
      `open loop at half the maximum rate (${rate}/s)`,
    );
    ctx.report('p99_ms', median(half.map((r) => r.p99)), 'ms', 'open loop at half rate; target <= 50');
    ctx.report('max_rate_p99_ms', median(http.map((r) => r.p99)), 'ms', 'closed loop at the maximum rate');
    ctx.report('ceiling_p99_ms', Number(median(sql.map((r) => r.p99)).toFixed(2)), 'ms');
    ctx.report(
      'server_cpu_ms_per_order',
      Number(median(cpu).toFixed(2)),
      'ms',
      'server process CPU per order at the maximum rate (barely moved by other load)',
    );
    ctx.report(
      'errors',
      [...http, ...half].reduce((s, r) => s + r.errors, 0),
      'count',
      'non-2xx or socket errors (must be 0)',
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
