import { readFile, writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  compileNetwork,
  formatProblemError,
  parseRoutingProblem,
  type RoutingPolicy,
} from '../../routing/index.ts';
import { loadLiveNetworkState, loadRecentOrders } from '../../simulation/database-history.ts';
import {
  type BatchSettings,
  DEFAULT_RETAIL,
  demoNetworkState,
  formatReportTable,
  historyScenario,
  type NetworkState,
  type PolicySource,
  type PolicySpec,
  parseHistoryCsv,
  problemNetworkState,
  problemScenario,
  renderReportHtml,
  resolvePolicies,
  retailScenario,
  runSimulation,
  type Scenario,
} from '../../simulation/index.ts';
import { withServices } from './database-commands.ts';
import type { CommandIo } from './route.ts';

export interface SimulateCliOptions {
  scenario?: string;
  orders?: string;
  days?: string;
  nodes?: string;
  skus?: string;
  policy?: string[];
  batchWindow?: string;
  batchMaxOrders?: string;
  batchMethod?: string;
  seed?: string;
  capacity?: string;
  network?: string;
  json?: string;
  html?: string;
  progress?: boolean;
  fastPath?: boolean;
}

class UsageError extends Error {}

function int(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}`);
  return n;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}

async function readProblem(file: string) {
  const parsed = parseRoutingProblem(await readText(file));
  if (!parsed.ok)
    throw new UsageError(`invalid routing problem ${file}: ${formatProblemError(parsed.error)}`);
  return parsed.problem;
}

/** The scenario named by --scenario, plus the policy it brings (a problem file's own policy). */
async function loadScenario(opts: SimulateCliOptions): Promise<{ scenario: Scenario; own?: RoutingPolicy }> {
  const spec = opts.scenario ?? 'retail';
  const seed = int(opts.seed, '--seed', DEFAULT_RETAIL.seed, 0);
  if (spec === 'retail') {
    return {
      scenario: retailScenario({
        seed,
        orders: int(opts.orders, '--orders', DEFAULT_RETAIL.orders),
        days: int(opts.days, '--days', DEFAULT_RETAIL.days),
        nodes: int(opts.nodes, '--nodes', DEFAULT_RETAIL.nodes),
        skus: int(opts.skus, '--skus', DEFAULT_RETAIL.skus),
      }),
    };
  }
  if (spec.startsWith('problem:')) {
    const file = spec.slice('problem:'.length);
    const { scenario, policy } = problemScenario(await readProblem(file), file);
    return { scenario, own: policy };
  }
  const network = async (): Promise<NetworkState> =>
    opts.network
      ? problemNetworkState(await readProblem(opts.network), opts.network)
      : demoNetworkState(seed);
  if (spec.startsWith('csv:')) {
    const file = spec.slice('csv:'.length);
    const parsed = parseHistoryCsv(await readText(file));
    if (!parsed.ok) throw new UsageError(`invalid order history ${file}: ${parsed.error}`);
    const limit = opts.orders === undefined ? parsed.orders.length : int(opts.orders, '--orders', 1);
    return { scenario: historyScenario(`csv:${file}`, parsed.orders.slice(0, limit), await network()) };
  }
  if (spec === 'database') {
    const limit = int(opts.orders, '--orders', 10_000);
    const loaded = await withServices(async (s) => ({
      state: opts.network ? await network() : await loadLiveNetworkState(s.db),
      orders: await loadRecentOrders(s.db, limit),
    }));
    if (loaded.orders.length === 0) throw new UsageError('the database holds no orders to replay');
    return { scenario: historyScenario('database', loaded.orders, loaded.state) };
  }
  throw new UsageError(`unknown scenario "${spec}" (retail, problem:FILE, csv:FILE, database)`);
}

async function policySources(values: readonly string[]): Promise<PolicySource[]> {
  const out: PolicySource[] = [];
  for (const v of values) {
    if (!v.endsWith('.json')) {
      out.push({ kind: 'named', name: v });
      continue;
    }
    let document: unknown;
    try {
      document = JSON.parse(await readText(v));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`policy file ${v} is not valid JSON`);
    }
    out.push({ kind: 'document', file: v, document });
  }
  return out;
}

/** Exit codes: 0 simulated, 2 bad option or input, 1 unexpected failure. */
export async function runSimulate(opts: SimulateCliOptions, io: CommandIo): Promise<number> {
  try {
    const capacity = opts.capacity ?? 'hard';
    if (capacity !== 'hard' && capacity !== 'soft') throw new UsageError('--capacity must be hard or soft');
    const { scenario, own } = await loadScenario(opts);
    let batch: BatchSettings | undefined;
    if (opts.batchWindow !== undefined) {
      const window = Number(opts.batchWindow);
      if (!(window > 0)) throw new UsageError('--batch-window must be a positive number of minutes');
      const method = opts.batchMethod ?? 'heuristic';
      if (!['heuristic', 'auto', 'mip'].includes(method))
        throw new UsageError('--batch-method must be heuristic, auto or mip');
      batch = {
        windowMinutes: window,
        maxOrders: int(opts.batchMaxOrders, '--batch-max-orders', 500),
        method: method as BatchSettings['method'] & string,
      };
    }
    let specs: PolicySpec[];
    const names = opts.policy ?? [];
    if (names.length === 0 && own) {
      specs = [{ name: 'problem-file', description: "the problem file's own policy", policy: own }];
      if (batch)
        specs.push({
          name: `problem-file+batch${batch.windowMinutes}m`,
          description: 'held and optimised together',
          policy: own,
          batch,
        });
    } else {
      const resolved = resolvePolicies(
        await policySources(names.length > 0 ? names : ['default', 'dc-only']),
        compileNetwork(scenario.network),
        batch,
      );
      if (!resolved.ok) throw new UsageError(resolved.error);
      specs = resolved.specs;
    }
    const bar =
      opts.progress === false
        ? null
        : new SingleBar({
            format:
              'simulating [{bar}] {percentage}% | {value}/{total} orders | {rate} orders/s | eta {eta}s',
            hideCursor: true,
            clearOnComplete: true,
            stream: process.stderr,
          });
    const started = performance.now();
    bar?.start(scenario.orderCount, 0, { rate: 0 });
    const { report, stats } = await runSimulation(scenario, specs, {
      capacityMode: capacity,
      fastPath: opts.fastPath !== false,
      progressEvery: 5000,
      onProgress: (done, total) => {
        const rate = Math.round(done / Math.max(1e-3, (performance.now() - started) / 1000));
        bar?.setTotal(Math.max(total, done));
        bar?.update(done, { rate });
      },
    });
    bar?.stop();
    io.stdout(formatReportTable(report));
    io.stderr(
      `simulated ${report.scenario.orders.toLocaleString('en-US')} orders x ${specs.length} policies in ${stats.seconds.toFixed(1)} s (${Math.round(stats.ordersPerSecond).toLocaleString('en-US')} orders/s)\n`,
    );
    if (opts.json) await writeFile(opts.json, `${JSON.stringify({ ...report, run: stats }, null, 2)}\n`);
    if (opts.html) await writeFile(opts.html, renderReportHtml(report));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ordergrid simulate: ${err.message}\n`);
      return 2;
    }
    io.stderr(`ordergrid simulate: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Replay orders through the routing engine under one or more policies side by side (stock, daily capacity, replenishment) and compare cost, splits, speed, unfilled units and CO2e.',
    )
    .option('--scenario <source>', 'retail | problem:FILE | csv:FILE | database', 'retail')
    .option('--orders <n>', 'orders to generate (retail) or replay at most (csv, database)')
    .option('--days <n>', 'days the retail orders span', String(DEFAULT_RETAIL.days))
    .option('--nodes <n>', 'retail network size: 5 DCs plus stores', String(DEFAULT_RETAIL.nodes))
    .option('--skus <n>', 'retail catalogue size', String(DEFAULT_RETAIL.skus))
    .option('--policy <policy...>', 'policy names or JSON policy files (default: default dc-only)')
    .option(
      '--batch-window <minutes>',
      'also run each policy holding orders this long and optimising them together',
    )
    .option('--batch-max-orders <n>', 'flush a batch early at this many orders', '500')
    .option('--batch-method <method>', 'heuristic | auto | mip', 'heuristic')
    .option('--seed <n>', 'random seed of the generated scenario', String(DEFAULT_RETAIL.seed))
    .option('--capacity <mode>', 'hard: daily capacity binds routing; soft: count breaches', 'hard')
    .option('--network <file>', 'routing problem file whose network csv/database orders replay on')
    .option('--json <file>', 'write the report as JSON')
    .option('--html <file>', 'write a self-contained HTML report with charts and a map')
    .option('--no-progress', 'no progress bar')
    .option('--no-fast-path', 'route every order on the whole network (no per-cell pruning)')
    .action(async (opts: SimulateCliOptions) => {
      process.exitCode = await runSimulate(opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
    });
}
