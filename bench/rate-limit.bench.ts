import autocannon from 'autocannon';
import { RATE_LIMITS_OFF } from '../test/support/fuzz-target.ts';
import { startServer } from '../test/support/server-process.ts';
import { type BenchContext, median } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

const ADMIN_KEY = 'og_bench-admin-key-0123456789abcdefghijkl';

async function rps(url: string, seconds: number): Promise<{ rps: number; errors: number }> {
  const r = await autocannon({
    url,
    connections: 32,
    duration: seconds,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return { rps: r.requests.average, errors: r.errors + r.non2xx };
}

/**
 * What the per-key rate limiter costs on the hot path: GET /v1/me (key check from the cache, no
 * database) on two identical servers, one with the default limits and one with every limit 0,
 * measured alternately. `npm run bench -- rate-limit [--seconds=5] [--runs=3]`.
 */
export default async function rateLimitBench(ctx: BenchContext): Promise<void> {
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 5);
  const runs = Number(ctx.args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
  const database = await createBenchDatabase('ratelimit');
  const base = { DATABASE_URL: database.url, ORDERGRID_ADMIN_KEY: ADMIN_KEY, ORDERGRID_WORKER: 'false' };
  const limited = await startServer(base);
  const unlimited = await startServer({ ...base, ...RATE_LIMITS_OFF });
  try {
    const on: number[] = [];
    const off: number[] = [];
    let errors = 0;
    await rps(`${limited.baseUrl}/v1/me`, 2); // warm-up
    await rps(`${unlimited.baseUrl}/v1/me`, 2);
    for (let i = 0; i < runs; i++) {
      ctx.log(`run ${i + 1}/${runs}`);
      const a = await rps(`${limited.baseUrl}/v1/me`, seconds);
      const b = await rps(`${unlimited.baseUrl}/v1/me`, seconds);
      on.push(a.rps);
      off.push(b.rps);
      errors += a.errors + b.errors;
    }
    const withLimits = median(on);
    const without = median(off);
    ctx.report(
      'with_limits_per_s',
      Math.round(withLimits),
      '1/s',
      'GET /v1/me, default limits, 32 connections',
    );
    ctx.report('without_limits_per_s', Math.round(without), '1/s', 'same, every limit 0');
    ctx.report('limited_ratio', Number((withLimits / without).toFixed(3)), 'ratio');
    ctx.report(
      'overhead_us_per_request',
      Number(((1 / withLimits - 1 / without) * 1e6).toFixed(1)),
      'us',
      'server time per request added by the limiter (one process, one core)',
    );
    ctx.report('errors', errors, 'count', 'non-2xx or socket errors (must be 0: defaults never trip here)');
  } finally {
    await limited.stop('SIGTERM');
    await unlimited.stop('SIGTERM');
    await database.drop();
  }
}
