import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  formatProblemError,
  parseRoutingProblem,
  type RoutingStrategy,
  resultToJson,
  solveProblemFile,
} from '../../routing/index.ts';

export interface RouteCliOptions {
  strategy?: string;
  timeBudget?: string;
  explain?: boolean;
  compact?: boolean;
  batchMethod?: string;
  priorityOrder?: string;
  location?: string;
}

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const STRATEGIES: readonly RoutingStrategy[] = [
  'optimal',
  'priority-order',
  'most-stock',
  'nearest',
  'single-location',
];
const BATCH_METHODS = ['auto', 'mip', 'heuristic'] as const;

/** Exit codes: 0 solved, 2 unreadable or invalid file or bad option, 1 unexpected failure. */
export async function runRoute(file: string, opts: RouteCliOptions, io: CommandIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`ordergrid route: ${message}\n`);
    return 2;
  };
  const strategy = (opts.strategy ?? 'optimal') as RoutingStrategy;
  if (!STRATEGIES.includes(strategy))
    return fail(`unknown strategy "${opts.strategy}" (${STRATEGIES.join(', ')})`);
  const method = opts.batchMethod ?? 'auto';
  if (!(BATCH_METHODS as readonly string[]).includes(method)) return fail(`unknown batch method "${method}"`);
  const budget = opts.timeBudget === undefined ? undefined : Number(opts.timeBudget);
  if (budget !== undefined && !(budget > 0))
    return fail('--time-budget must be a positive number of milliseconds');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  const parsed = parseRoutingProblem(text);
  if (!parsed.ok) return fail(`invalid routing problem ${file}: ${formatProblemError(parsed.error)}`);
  try {
    const result = await solveProblemFile(parsed.problem, {
      strategy,
      explain: opts.explain ?? false,
      batchMethod: method as (typeof BATCH_METHODS)[number],
      ...(budget !== undefined ? { timeBudgetMs: budget } : {}),
      ...(opts.priorityOrder ? { priorityOrder: opts.priorityOrder.split(',') } : {}),
      ...(opts.location ? { location: opts.location } : {}),
    });
    const json = resultToJson(result, opts.explain ?? false);
    io.stdout(`${opts.compact ? JSON.stringify(json) : JSON.stringify(json, null, 2)}\n`);
    return 0;
  } catch (err) {
    io.stderr(`ordergrid route: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description(
      'Route the orders of a routing problem file (docs/routing-problem-format.md) and print the plans as JSON.',
    )
    .argument('<file>', 'routing problem JSON file')
    .option('--strategy <name>', `${STRATEGIES.join(' | ')}`, 'optimal')
    .option('--time-budget <ms>', 'search budget: per order (sequential) or for the whole batch')
    .option('--batch-method <method>', 'auto | mip | heuristic', 'auto')
    .option('--explain', 'add each decision’s explanation (candidates, eliminations, alternatives)')
    .option('--compact', 'print the JSON on one line')
    .option('--priority-order <ids>', 'comma-separated node ids for --strategy priority-order')
    .option('--location <id>', 'node id for --strategy single-location')
    .action(async (file: string, opts: RouteCliOptions) => {
      process.exitCode = await runRoute(file, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
    });
}
