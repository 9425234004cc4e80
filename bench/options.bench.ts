import autocannon from 'autocannon';
import type { FulfilmentOptionsInput } from '../src/fulfilment/options-schema.ts';
import { FulfilmentOptionsService } from '../src/fulfilment/options-service.ts';
import { generateDemoNetwork } from '../src/network/demo-network.ts';
import { warmDestinationIndex } from '../src/network/destination-resolver.ts';
import { createDb } from '../src/platform/db/database.ts';
import { createServices } from '../src/platform/services.ts';
import { cpuMs, startBenchServer } from './availability/bench-server.ts';
import { type Bench, type BenchContext, median } from './harness/bench-context.ts';
import { prng } from './routing/bench-network.ts';

/**
 * Promise before purchase: fulfilment options (cheapest, fastest, pickup) per second, in process
 * (the service on a started availability index) and over HTTP against an `ordergrid serve` child.
 *
 *   npm run bench -- options [--json] [--runs 5] [--seconds 5] [--skip-http]
 *
 * Needs a PostgreSQL server (BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432/postgres);
 * the child seeds the demo network (4 DCs, a 3PL, a dropship vendor, 36 stores) in a throwaway database.
 */

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

// Downtown ZIPs of large US metros: carts go where people live.
const ZIPS = [
  '10001',
  '90012',
  '60601',
  '77002',
  '85004',
  '19103',
  '78205',
  '92101',
  '75201',
  '95113',
  '78701',
  '32202',
  '43215',
  '28202',
  '94103',
  '46204',
  '98101',
  '80202',
  '20001',
  '02108',
  '30303',
  '33130',
  '48226',
  '55401',
];

/** Typical carts: 1–3 lines of the demo catalogue, 1–2 units each, to the ZIPs above. */
function carts(count: number): FulfilmentOptionsInput[] {
  const r = prng(7);
  const skus = generateDemoNetwork(42).items.map((i) => i.sku);
  return Array.from({ length: count }, () => {
    const lines = new Map<string, number>();
    const n = 1 + Math.floor(r() * 3);
    while (lines.size < n) lines.set(skus[Math.floor(r() * skus.length)]!, 1 + Math.floor(r() * 2));
    return {
      lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })),
      destination: { postalCode: ZIPS[Math.floor(r() * ZIPS.length)]! },
      channel: 'web',
    };
  });
}

async function inProcess(
  ctx: BenchContext,
  databaseUrl: string,
  bodies: FulfilmentOptionsInput[],
  runs: number,
  seconds: number,
) {
  const handle = createDb(databaseUrl, 4);
  const services = createServices(handle.db);
  await services.availability.start(databaseUrl);
  try {
    const service = new FulfilmentOptionsService(services.routing, services.availability);
    let served = 0;
    let withPickup = 0;
    for (const b of bodies.slice(0, 200)) {
      const a = await service.options(b);
      if (a.delivery.cheapest) served++;
      if (a.pickup.length > 0) withPickup++;
    }
    ctx.log(`carts: ${served}/200 with a delivery option, ${withPickup}/200 with a pickup store`);
    const rates: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run <= runs; run++) {
      let n = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const until = t0 + (run === 0 ? 1_000 : seconds * 1_000);
      while (performance.now() < until) {
        for (let i = 0; i < 100; i++) await service.options(bodies[n++ % bodies.length]!);
      }
      const rate = n / ((performance.now() - t0) / 1_000);
      const used = process.cpuUsage(cpu0);
      // CPU time per call: unlike the rate, barely moved by other processes on a busy machine.
      const us = (used.user + used.system) / n;
      ctx.log(
        `  run ${run}${run === 0 ? ' (warm-up)' : ''}: ${Math.round(rate)} options/s, ${us.toFixed(0)} µs CPU/call`,
      );
      if (run > 0) {
        rates.push(rate);
        cpu.push(us);
      }
    }
    ctx.report(
      'options_per_s',
      Math.round(median(rates)),
      '1/s',
      `in process, one caller, median of ${runs} runs`,
    );
    ctx.report(
      'options_us',
      Math.round(1e6 / median(rates)),
      'µs',
      'wall time per call (cheapest + fastest + pickup)',
    );
    ctx.report('options_cpu_us', Math.round(median(cpu)), 'µs', 'process CPU per call: load-independent');
  } finally {
    await services.availability.stop();
    await handle.close();
  }
}

async function overHttp(
  ctx: BenchContext,
  server: { baseUrl: string; adminKey: string; pid: number },
  bodies: FulfilmentOptionsInput[],
  runs: number,
  seconds: number,
) {
  const requests = bodies.slice(0, 256).map((b) => ({
    method: 'POST' as const,
    path: '/v1/fulfilment-options',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(b),
  }));
  const rates: number[] = [];
  const p99s: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const before = cpuMs(server.pid);
    const result = await autocannon({
      url: server.baseUrl,
      connections: 32,
      duration: run === 0 ? 2 : seconds,
      headers: { authorization: `Bearer ${server.adminKey}` },
      requests,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`HTTP run failed: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    const rate = result.requests.total / result.duration;
    const us = ((cpuMs(server.pid) - before) * 1000) / result.requests.total;
    ctx.log(
      `  run ${run}${run === 0 ? ' (warm-up)' : ''}: ${Math.round(rate)} req/s, p99 ${result.latency.p99} ms, server CPU ${us.toFixed(0)} µs/req`,
    );
    if (run > 0) {
      rates.push(rate);
      p99s.push(result.latency.p99);
      cpu.push(us);
    }
  }
  ctx.report(
    'http_options_per_s',
    Math.round(median(rates)),
    'req/s',
    `32 connections, median of ${runs} runs`,
  );
  ctx.report('http_options_p99_ms', median(p99s), 'ms');
  ctx.report('http_server_cpu_us_per_option', Math.round(median(cpu)), 'µs', 'server CPU per request');
}

const bench: Bench = async (ctx) => {
  const runs = option(ctx.args, 'runs', 5);
  const seconds = option(ctx.args, 'seconds', 5);
  warmDestinationIndex();
  const bodies = carts(4_096);
  const serverUrl = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const server = await startBenchServer(serverUrl, {
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
    log: ctx.log,
  });
  try {
    // The child seeded the demo network; wait until its index shows stock.
    for (let tries = 0; ; tries++) {
      const r = await fetch(`${server.baseUrl}/v1/fulfilment-options`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(bodies[0]),
      });
      const body = (await r.json()) as { delivery?: { cheapest: unknown } };
      if (r.ok && body.delivery?.cheapest) break;
      if (tries > 500) throw new Error(`the server never offered an option: ${JSON.stringify(body)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    ctx.log(`in-process options (${runs} runs x ${seconds} s)...`);
    await inProcess(ctx, server.databaseUrl, bodies, runs, seconds);
    if (ctx.args.includes('--skip-http')) return;
    ctx.log(`HTTP options (${runs} runs x ${seconds} s)...`);
    await overHttp(ctx, server, bodies, runs, seconds);
  } finally {
    await server.stop();
  }
};

export default bench;
