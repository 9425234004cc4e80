import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './harness/bench-context.ts';
import { CpuSampler } from './load/cpu-sampler.ts';
import type { ClientResult, ClientRun } from './load/load-client.ts';
import { LOAD_ADMIN_KEY, type LoadServers, startLoadServers } from './load/load-servers.ts';
import { endpointTable, type StepSummary, stepLine, summariseStep } from './load/step-summary.ts';
import { type Endpoint, MIX, REQUESTS_PER_ORDER } from './load/workload.ts';

/**
 * The load test: a realistic mix (availability at 20× the order rate, fulfilment options, order
 * capture, order reads, node work, node updates, inventory deltas and counts) at a FIXED arrival
 * rate against real `ordergrid serve` processes on a fresh database with the demo network, then the
 * rate stepped up (doubling, then bisection) to the highest total rate held with p99 under 100 ms on
 * every endpoint and no errors. CPU time of the servers and of PostgreSQL is sampled meanwhile for
 * the capacity model.
 *
 *   npm run bench -- load [--json] [--instances 1] [--seconds 10] [--start 200] [--bisect 3]
 *                          [--rate R --seconds 30 [--only ENDPOINT]]   (one fixed rate, no search)
 *                          [--pool N] [--workers on|off] [--retries 1]
 *
 * The load generator runs in its own process; on a small machine it shares the cores with the
 * servers and PostgreSQL, so the figures are for the whole system on that machine.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const inline = args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const v = Number(inline ?? (i >= 0 ? args[i + 1] : Number.NaN));
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (i >= 0 ? args[i + 1]! : fallback);
}

/** The forked load generator, one run at a time. */
class Client {
  readonly child: ChildProcess;

  constructor(baseUrls: string[], sockets: number) {
    this.child = fork(join(root, 'bench', 'load', 'load-client.ts'), [], {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.send({
      type: 'init',
      baseUrls,
      adminKey: LOAD_ADMIN_KEY,
      prefix: `load-${Date.now().toString(36)}`,
      sockets,
    });
  }

  run(run: Omit<ClientRun, 'type'>): Promise<ClientResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load client exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (m: ClientResult | { type: 'error'; message: string }) => {
        this.child.off('exit', onExit);
        if (m.type === 'result') resolve(m);
        else reject(new Error(m.message));
      });
      this.child.send({ type: 'run', ...run });
    });
  }

  close(): void {
    if (this.child.connected) this.child.send({ type: 'close' });
    setTimeout(() => this.child.kill('SIGKILL'), 2_000).unref();
  }
}

interface Runner {
  step(rate: number, seconds: number, only?: Endpoint): Promise<StepSummary>;
}

function runner(client: Client, sampler: CpuSampler): Runner {
  return {
    async step(rate, seconds, only) {
      await sampler.start();
      const result = await client.run({ rate, seconds, ...(only ? { only } : {}) });
      const cpu = await sampler.stop();
      await new Promise((r) => setTimeout(r, 1_000)); // background work of the step settles
      return summariseStep(result, cpu);
    },
  };
}

/** Doubling from `start` until a step is not held, then `bisect` geometric bisections. */
async function search(
  ctx: BenchContext,
  run: Runner,
  opts: { start: number; seconds: number; bisect: number; retries: number; max: number },
): Promise<{ best: StepSummary | undefined; steps: StepSummary[] }> {
  const steps: StepSummary[] = [];
  const attempt = async (rate: number): Promise<StepSummary> => {
    let s: StepSummary | undefined;
    for (let i = 0; i <= opts.retries; i++) {
      s = await run.step(rate, opts.seconds);
      steps.push(s);
      ctx.log(`  ${stepLine(s)}${i > 0 ? ' (repeat)' : ''}`);
      if (s.held) break;
    }
    return s!;
  };
  let best: StepSummary | undefined;
  let lo = 0;
  let hi = 0;
  for (let rate = opts.start; rate <= opts.max; ) {
    const s = await attempt(rate);
    if (s.held) {
      best = s;
      lo = rate;
      if (hi) break;
      rate *= 2;
    } else {
      hi = rate;
      if (lo || rate < 20) break;
      rate /= 2; // the start rate was already too high
    }
  }
  for (let i = 0; i < opts.bisect && lo && hi; i++) {
    const rate = Math.round(Math.sqrt(lo * hi));
    const s = await attempt(rate);
    if (s.held) {
      best = s;
      lo = rate;
    } else hi = rate;
  }
  return { best, steps };
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const figureName = (e: string) => e.replace(/-/g, '_');

function reportStep(ctx: BenchContext, s: StepSummary, label: string): void {
  for (const e of s.endpoints) {
    const name = figureName(e.endpoint);
    ctx.report(`${name}_per_s`, e.perS, '1/s', label);
    ctx.report(`${name}_p50_ms`, e.p50, 'ms');
    ctx.report(`${name}_p95_ms`, e.p95, 'ms');
    ctx.report(`${name}_p99_ms`, e.p99, 'ms');
  }
  ctx.report('overall_per_s', s.overall.perS, '1/s', label);
  ctx.report('overall_p50_ms', s.overall.p50, 'ms');
  ctx.report('overall_p95_ms', s.overall.p95, 'ms');
  ctx.report('overall_p99_ms', s.overall.p99, 'ms');
  ctx.report('errors', s.overall.errors, 'count', 'non-2xx (but expected 409s), socket errors, timeouts');
  const cores = (ms: number | null) => (ms === null ? null : r2(ms / s.cpu.wallMs));
  ctx.report('app_cpu_cores', cores(s.cpu.appMs) ?? 0, 'cores', 'server processes, during the step');
  if (s.cpu.dbMs !== null)
    ctx.report('db_cpu_cores', cores(s.cpu.dbMs) ?? 0, 'cores', 'PostgreSQL, during the step');
  ctx.report('client_cpu_cores', cores(s.cpu.clientMs) ?? 0, 'cores', 'the load generator (same machine)');
}

/** CPU per order and per lookup, each priced alone, and the whole mix per order. */
function reportCapacity(
  ctx: BenchContext,
  orders: StepSummary,
  lookups: StepSummary,
  mix: StepSummary | undefined,
) {
  const per = (ms: number | null, n: number) => (ms === null || n === 0 ? null : ms / n);
  const figure = (name: string, v: number | null, unit: string, note?: string) => {
    if (v !== null) ctx.report(name, r2(v), unit, note);
  };
  const appOrder = per(orders.cpu.appMs, orders.orders);
  const dbOrder = per(orders.cpu.dbMs, orders.orders);
  figure('app_cpu_ms_per_order', appOrder, 'ms', `POST /v1/orders alone at ${orders.rate}/s`);
  figure('db_cpu_ms_per_order', dbOrder, 'ms', 'PostgreSQL processes of the bench database + background');
  figure('orders_per_app_core', appOrder && 1000 / appOrder, '1/s', 'order capture alone');
  figure('orders_per_db_core', dbOrder && 1000 / dbOrder, '1/s', 'order capture alone');
  const appLookup = per(lookups.cpu.appMs, lookups.lookups);
  figure('app_cpu_ms_per_lookup', appLookup, 'ms', `GET /v1/availability alone at ${lookups.rate}/s`);
  figure(
    'db_cpu_ms_per_lookup',
    per(lookups.cpu.dbMs, lookups.lookups),
    'ms',
    'served from the in-memory index',
  );
  figure('lookups_per_app_core', appLookup && 1000 / appLookup, '1/s');
  if (!mix || mix.orders === 0) return;
  const appMix = per(mix.cpu.appMs, mix.orders);
  const dbMix = per(mix.cpu.dbMs, mix.orders);
  const mixNote = `the whole mix per order (${REQUESTS_PER_ORDER} requests) at ${Math.round(mix.rate)} req/s`;
  figure('mix_app_cpu_ms_per_order', appMix, 'ms', mixNote);
  figure('mix_db_cpu_ms_per_order', dbMix, 'ms', mixNote);
  figure(
    'mix_orders_per_app_core',
    appMix && 1000 / appMix,
    '1/s',
    'orders/s with their lookups, reads, node work, feeds',
  );
  figure('mix_orders_per_db_core', dbMix && 1000 / dbMix, '1/s');
}

export default async function loadBench(ctx: BenchContext): Promise<void> {
  const instances = Math.max(1, Math.round(option(ctx.args, 'instances', 1)));
  const seconds = option(ctx.args, 'seconds', ctx.args.includes('--rate') ? 30 : 10);
  const fixedRate = option(ctx.args, 'rate', 0);
  // The same 16 connections in all, however many instances: more only adds contention on 2 cores.
  const poolSize = option(ctx.args, 'pool', Math.max(4, Math.round(16 / instances)));
  const worker = flag(ctx.args, 'workers', 'on') !== 'off';
  ctx.log(
    `load: ${instances} instance(s), pool ${poolSize} each, workers ${worker ? 'on' : 'off'}; mix per order: ${JSON.stringify(MIX)}`,
  );
  const cluster: LoadServers = await startLoadServers({ instances, poolSize, worker, log: ctx.log });
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client(
    cluster.servers.map((s) => s.baseUrl),
    256,
  );
  const sampler = new CpuSampler(
    () => cluster.servers.map((s) => s.proc.pid ?? 0),
    client.child.pid ?? 0,
    serverUrl,
    new URL(cluster.database.url).pathname.slice(1),
  );
  await sampler.open();
  const run = runner(client, sampler);
  try {
    const start = option(ctx.args, 'start', 200);
    ctx.log(`warm-up: 6 s at ${start} req/s...`);
    await run.step(start, 6);
    ctx.log('pricing one order and one lookup alone (6 s each)...');
    const orders = await run.step(option(ctx.args, 'order-rate', 20), 6, 'order');
    const lookups = await run.step(option(ctx.args, 'lookup-rate', 500), 6, 'availability');
    ctx.log(`  orders alone: ${stepLine(orders)}\n  lookups alone: ${stepLine(lookups)}`);

    if (fixedRate > 0) {
      const only = flag(ctx.args, 'only', '') as Endpoint | '';
      ctx.log(`fixed rate: ${fixedRate} req/s for ${seconds} s${only ? ` of ${only} only` : ''}...`);
      const s = await run.step(fixedRate, seconds, only || undefined);
      ctx.log(`${stepLine(s)}\n\n${endpointTable(s)}\n`);
      ctx.report('rate', fixedRate, '1/s', `${instances} instance(s), ${seconds} s, open loop`);
      reportStep(ctx, s, `at ${fixedRate} req/s`);
      reportCapacity(ctx, orders, lookups, s);
      return;
    }

    ctx.log(
      `search: ${seconds} s steps from ${start} req/s, held = p99 < 100 ms on every endpoint and no errors`,
    );
    const { best, steps } = await search(ctx, run, {
      start,
      seconds,
      bisect: option(ctx.args, 'bisect', 3),
      retries: option(ctx.args, 'retries', 1),
      max: option(ctx.args, 'max', 50_000),
    });
    const first = steps[0]!;
    ctx.log(`\nfirst step (${Math.round(first.rate)} req/s):\n${endpointTable(first)}\n`);
    if (!best) {
      ctx.report('max_rate_p99_under_100ms', 0, '1/s', 'no step held');
      reportCapacity(ctx, orders, lookups, first);
      return;
    }
    ctx.log(`highest rate held (${Math.round(best.rate)} req/s):\n${endpointTable(best)}\n`);
    ctx.report(
      'max_rate_p99_under_100ms',
      Math.round(best.rate),
      'req/s',
      `${instances} instance(s), all endpoints p99 < 100 ms, no errors, ${seconds} s steps`,
    );
    ctx.report(
      'max_orders_per_s_p99_under_100ms',
      r2(best.orders / best.seconds),
      '1/s',
      'orders captured at that rate',
    );
    reportStep(ctx, best, `at ${Math.round(best.rate)} req/s`);
    reportCapacity(ctx, orders, lookups, best);
  } finally {
    client.close();
    await sampler.close();
    await cluster.stop();
  }
}
