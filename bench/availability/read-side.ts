import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { OPEN_RULE } from '../../src/channels/channel-rules.ts';
import { AvailabilityIndex } from '../../src/inventory/availability-index.ts';
import { AvailabilityService } from '../../src/inventory/availability-service.ts';
import { createDb } from '../../src/platform/db/database.ts';
import { type BenchContext, median, quantile } from '../harness/bench-context.ts';
import { option } from '../inventory/bench-options.ts';
import { type BenchServer, cpuMs, startBenchServer } from './bench-server.ts';
import { demoStock } from './demo-stock.ts';
import type { LoadOptions, LoadResult } from './load-client.ts';

/**
 * The availability read side, measured for `npm run bench -- availability` and as part of
 * `npm run bench -- inventory`: in-process look-ups per second, HTTP look-ups per second against
 * an `ordergrid serve` child process, and the staleness of a second instance's index after a
 * change. Options: --runs 5 --seconds 5 --changes 200 --connections 32 --pipelining 10 --workers 2
 * --skip-http. --workers is the server's process count (`ordergrid serve --workers`), reported
 * with the figures; the server CPU per request is summed over all of its processes.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'load-client.ts');

export const TARGETS = { lookups: 1_000_000, http: 20_000, stalenessP99: 100 };

/** Throughput vs a floor target, latency vs a ceiling target: >= 1 means the target is met. */
export function ratio(
  ctx: BenchContext,
  figure: string,
  value: number,
  target: number,
  higherIsBetter: boolean,
) {
  const r = higherIsBetter ? value / target : target / Math.max(value, 1e-9);
  ctx.report(
    `${figure}_ratio`,
    Math.round(r * 100) / 100,
    'x',
    `target ${higherIsBetter ? '>=' : '<='} ${target}`,
  );
}

export function inProcessLookups(ctx: BenchContext, runs: number): void {
  const { rows, nodes } = demoStock();
  const index = AvailabilityIndex.build({
    nodes: nodes.map((n) => ({ ...n, version: 1 })),
    channels: [
      { ...OPEN_RULE, id: 'web' },
      { ...OPEN_RULE, id: 'marketplace:amazon', bufferUnits: 2, cap: 50, kinds: ['warehouse', '3pl'] },
    ],
    positions: rows.map((r) => ({ ...r, version: 1 })),
  });
  const skus = [...new Set(rows.map((r) => r.sku))];
  const pairs = rows.map((r) => [r.sku, r.nodeId] as const);
  ctx.log(`in-process index: ${JSON.stringify(index.stats())}`);
  const channels = [null, 'web', 'marketplace:amazon'];
  const n = 5_000_000;
  const network: number[] = [];
  const node: number[] = [];
  let sink = 0;
  for (let run = 0; run < runs + 1; run++) {
    let t0 = performance.now();
    for (let i = 0; i < n; i++) sink += index.networkAtp(skus[i % skus.length]!, channels[i % 3]!);
    const a = n / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const p = pairs[i % pairs.length]!;
      sink += index.atp(p[0], p[1]);
    }
    const b = n / ((performance.now() - t0) / 1000);
    if (run > 0) {
      // Run 0 warms the JIT.
      network.push(a);
      node.push(b);
    }
  }
  if (sink < 0) ctx.log('unreachable');
  const lookups = median(network);
  ctx.report('lookups_per_s', Math.round(lookups), 'lookups/s', 'networkAtp(sku, channel), median of runs');
  ctx.report('node_atp_lookups_per_s', Math.round(median(node)), 'lookups/s', 'atp(sku, node)');
  ratio(ctx, 'lookups_per_s', lookups, TARGETS.lookups, true);
}

async function loadStock(databaseUrl: string): Promise<{ skus: string[]; pairs: [string, string][] }> {
  const { rows } = demoStock();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    // One bulk transaction (the demo seed may have written some rows already): per-row
    // notifications off, one '*' (reload) at commit.
    await c.query('BEGIN');
    await c.query("SET LOCAL ordergrid.bulk = 'on'");
    await c.query(
      `INSERT INTO inventory_positions (node_id, sku, on_hand, reserved, safety_stock)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
       ON CONFLICT (node_id, sku) DO UPDATE
         SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, safety_stock = EXCLUDED.safety_stock,
             version = inventory_positions.version + 1`,
      [
        rows.map((r) => r.nodeId),
        rows.map((r) => r.sku),
        rows.map((r) => r.onHand),
        rows.map((r) => r.reserved),
        rows.map((r) => r.safety),
      ],
    );
    await c.query("SELECT pg_notify('ordergrid_inventory', '*')");
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
  return {
    skus: [...new Set(rows.map((r) => r.sku))],
    pairs: rows.map((r) => [r.sku, r.nodeId]),
  };
}

export interface ClientSettings {
  connections: number;
  /** Requests in flight per connection (1 = no pipelining). */
  pipelining: number;
}

/**
 * The load generator: wrk (C, one thread: a fraction of autocannon's CPU per request, which matters
 * when client and server share two cores) when installed and not pipelining, else autocannon;
 * `--client autocannon|wrk` chooses.
 */
let chosenClient: 'wrk' | 'autocannon' | undefined;
export function clientTool(c: ClientSettings): 'wrk' | 'autocannon' {
  if (chosenClient === 'autocannon' || c.pipelining !== 1 || !existsSync('/usr/bin/wrk')) return 'autocannon';
  return 'wrk';
}
export function chooseClient(args: string[]): void {
  const i = args.indexOf('--client');
  const v = i >= 0 ? args[i + 1] : undefined;
  chosenClient = v === 'autocannon' || v === 'wrk' ? v : undefined;
}

function runClient(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(options)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load client exited with ${code}`)),
    );
  });
}

/**
 * Median req/s over the runs, and the server's CPU time per request (a load-independent cost).
 * The client (see clientTool) runs in a process of its own, with keep-alive connections.
 */
async function http(
  ctx: BenchContext,
  server: BenchServer,
  paths: string[],
  client: ClientSettings,
  runs: number,
  seconds: number,
  auth = true,
  warmUpFactor = 1,
): Promise<{ rate: number; cpuUsPerRequest: number; clientCpuUsPerRequest: number }> {
  const rates: number[] = [];
  const cpu: number[] = [];
  const clientCpu: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const cpuBefore = cpuMs(server.pid);
    const result = await runClient({
      url: server.baseUrl,
      paths,
      ...client,
      // Run 0 warms the JIT; each worker process sees 1/workers of the traffic, so it runs longer.
      seconds: run === 0 ? Math.max(2, seconds) * warmUpFactor : seconds,
      headers: auth ? { authorization: `Bearer ${server.adminKey}` } : {},
      tool: clientTool(client),
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`HTTP run failed: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    const rate = result.total / result.duration;
    const us = ((cpuMs(server.pid) - cpuBefore) * 1000) / result.total;
    ctx.log(
      `  run ${run}${run === 0 ? ' (warm-up)' : ''}: ${Math.round(rate)} req/s, p99 ${result.p99} ms, server CPU ${us.toFixed(1)} µs/req, client CPU ${result.clientCpuUs.toFixed(1)} µs/req, load ${loadavg()[0]?.toFixed(2)}`,
    );
    if (run > 0) {
      rates.push(rate);
      cpu.push(us);
      clientCpu.push(result.clientCpuUs);
    }
  }
  return { rate: median(rates), cpuUsPerRequest: median(cpu), clientCpuUsPerRequest: median(clientCpu) };
}

/** Writes a row, then polls a second instance's index until that version appears. */
async function staleness(
  ctx: BenchContext,
  databaseUrl: string,
  pairs: [string, string][],
  runs: number,
  changes: number,
): Promise<void> {
  const handle = createDb(databaseUrl, 4);
  const service = new AvailabilityService(handle.db);
  const writer = new pg.Client({ connectionString: databaseUrl });
  await writer.connect();
  try {
    await service.start(databaseUrl);
    const p50s: number[] = [];
    const p99s: number[] = [];
    let k = 0;
    for (let run = 0; run < runs; run++) {
      const lags: number[] = [];
      for (let i = 0; i < changes; i++) {
        const [sku, nodeId] = pairs[(k++ * 7919) % pairs.length]!;
        // Measured from before the write is sent: includes its commit, so an upper bound.
        const t0 = performance.now();
        const { rows } = await writer.query<{ version: string }>(
          `UPDATE inventory_positions SET on_hand = on_hand + 1, version = version + 1
           WHERE node_id = $1 AND sku = $2 RETURNING version`,
          [nodeId, sku],
        );
        const version = Number(rows[0]?.version);
        while ((service.position(sku, nodeId)?.version ?? 0) < version) {
          if (performance.now() - t0 > 10_000) throw new Error('change not seen within 10 s');
          await new Promise((r) => setImmediate(r));
        }
        lags.push(performance.now() - t0);
      }
      p50s.push(quantile(lags, 0.5));
      p99s.push(quantile(lags, 0.99));
      ctx.log(
        `  run ${run}: p50 ${quantile(lags, 0.5).toFixed(2)} ms, p99 ${quantile(lags, 0.99).toFixed(2)} ms`,
      );
    }
    const p99 = median(p99s);
    ctx.report(
      'staleness_p50_ms',
      Math.round(median(p50s) * 100) / 100,
      'ms',
      'write -> visible in another index',
    );
    ctx.report('staleness_p99_ms', Math.round(p99 * 100) / 100, 'ms', `median of ${runs} runs x ${changes}`);
    ratio(ctx, 'staleness_p99_ms', p99, TARGETS.stalenessP99, false);
  } finally {
    await service.stop();
    await writer.end();
    await handle.close();
  }
}

/** Runs every read-side measurement and reports its figures. */
export async function runReadSide(ctx: BenchContext): Promise<void> {
  chooseClient(ctx.args);
  const runs = option(ctx.args, 'runs', 5);
  const seconds = option(ctx.args, 'seconds', 5);
  const changes = option(ctx.args, 'changes', 200);
  const PLAIN: ClientSettings = { connections: option(ctx.args, 'connections', 32), pipelining: 1 };
  const PIPELINED: ClientSettings = { ...PLAIN, pipelining: option(ctx.args, 'pipelining', 10) };
  ctx.log(`in-process look-ups (${runs} runs)...`);
  inProcessLookups(ctx, runs);
  if (ctx.args.includes('--skip-http')) return;

  const serverUrl = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const workers = option(ctx.args, 'workers', 2);
  const server = await startBenchServer(serverUrl, { logLevel, log: ctx.log, workers });
  try {
    const { skus, pairs } = await loadStock(server.databaseUrl);
    const probe = `/v1/availability?skus=${encodeURIComponent(skus[0]!)}`;
    for (let tries = 0; ; tries++) {
      const r = await fetch(`${server.baseUrl}${probe}`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      });
      const body = (await r.json()) as { items?: { networkAtp: number }[] };
      if ((body.items?.[0]?.networkAtp ?? 0) > 0) break;
      if (tries > 500)
        throw new Error(`the server's index never showed the loaded stock: ${JSON.stringify(body)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    // Typical product-page / cart calls: three skus for the web channel.
    const paths = Array.from({ length: 16 }, (_, i) => {
      const three = [0, 1, 2].map((j) => encodeURIComponent(skus[(i * 3 + j) % skus.length]!));
      return `/v1/availability?skus=${three.join(',')}&channel=web`;
    });
    const settings = (c: ClientSettings) =>
      `serve --workers ${workers}; ${clientTool(c)} in its own process, ${c.connections} keep-alive connections, pipelining ${c.pipelining}`;
    ctx.log(
      `HTTP look-ups, 3 skus + channel (serve --workers ${workers}, LOG_LEVEL=${logLevel}, ${runs} runs x ${seconds} s)`,
    );
    const measure = async (figure: string, client: ClientSettings) => {
      ctx.log(`client: ${settings(client)}`);
      const m = await http(ctx, server, paths, client, runs, seconds, true, workers);
      ctx.report(figure, Math.round(m.rate), 'req/s', `3 skus, channel=web; ${settings(client)}`);
      return m;
    };
    const lookups = await measure('http_lookups_per_s', PLAIN);
    ratio(ctx, 'http_lookups_per_s', lookups.rate, TARGETS.http, true);
    ctx.report('http_server_workers', workers, 'processes', 'ordergrid serve --workers (ORDERGRID_WORKERS)');
    ctx.report(
      'http_server_cpu_us_per_lookup',
      Math.round(lookups.cpuUsPerRequest * 10) / 10,
      'µs',
      `server CPU per request, all its processes: ~${Math.round(1e6 / lookups.cpuUsPerRequest)} req/s per free core`,
    );
    ctx.report(
      'http_client_cpu_us_per_lookup',
      Math.round(lookups.clientCpuUsPerRequest * 10) / 10,
      'µs',
      'the load client shares the 2 cores: server + client CPU bound the rate',
    );
    await measure('http_lookups_pipelined_per_s', PIPELINED);

    const near = paths.map((p) => `${p}&postalCode=10001&radiusMiles=50&detail=true`);
    ctx.log('HTTP "in stock near you" look-ups (ZIP, 50 miles, detail)...');
    const nearby = await http(ctx, server, near, PLAIN, Math.min(runs, 3), seconds, true, workers);
    ctx.report('http_near_lookups_per_s', Math.round(nearby.rate), 'req/s', 'ZIP + radius + detail');

    // The same stack's cheapest route (no key, no database), same client: the ceiling right now.
    ctx.log('HTTP baseline: GET /health...');
    const health = await http(ctx, server, ['/health'], PLAIN, Math.min(runs, 3), seconds, false, workers);
    ctx.report(
      'http_health_baseline_per_s',
      Math.round(health.rate),
      'req/s',
      `GET /health, same server and client; lookups/health ${(lookups.rate / health.rate).toFixed(2)}`,
    );

    ctx.log(`staleness: write, then poll another instance's index (${runs} runs x ${changes})...`);
    await staleness(ctx, server.databaseUrl, pairs, runs, changes);
  } finally {
    await server.stop();
  }
}
