import { networkOfProblem, policyOfProblem } from './problem-adapter.ts';
import type { RoutingProblem } from './problem-schema.ts';
import { type BatchOptions, routeBatch } from './route-batch.ts';
import type { RouteOptions } from './route-order.ts';
import { routeSequence } from './route-sequence.ts';
import { compileNetwork } from './routing-network.ts';
import type { RoutingDecision, RoutingStrategy } from './routing-types.ts';
import { createStockSnapshot } from './stock-snapshot.ts';

export interface SolveOptions {
  strategy?: RoutingStrategy;
  /** Per-order budget in sequential mode, whole budget in batch mode. */
  timeBudgetMs?: number;
  explain?: boolean;
  batchMethod?: BatchOptions['method'];
  priorityOrder?: string[];
  location?: string;
}

/** The result file: one plan per order in the output format, with costs and the search summary. */
export interface RoutingResult {
  mode: RoutingProblem['mode'];
  strategy: RoutingStrategy;
  totalCost: number;
  lowerBound: number;
  gap: number;
  exact: boolean;
  method: 'sequential' | 'mip' | 'heuristic' | 'baseline';
  decisions: RoutingDecision[];
}

/**
 * Adapter from the routing problem file to the engine: sequential files go order by order
 * through routeOrder, batch files through routeBatch (a baseline strategy routes a batch file
 * sequentially, as such rules would).
 */
export async function solveProblemFile(
  problem: RoutingProblem,
  options: SolveOptions = {},
): Promise<RoutingResult> {
  const network = compileNetwork(networkOfProblem(problem));
  const stock = createStockSnapshot(network, problem.inventory);
  const policy = policyOfProblem(problem);
  const strategy = options.strategy ?? 'optimal';
  if (problem.mode === 'batch' && strategy === 'optimal') {
    const r = await routeBatch(network, stock, problem.orders, policy, {
      ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
      ...(options.batchMethod ? { method: options.batchMethod } : {}),
      explain: options.explain ?? false,
    });
    return {
      mode: problem.mode,
      strategy,
      totalCost: r.totalCost,
      lowerBound: r.lowerBound,
      gap: r.gap,
      exact: r.exact,
      method: r.method,
      decisions: r.decisions,
    };
  }
  const routeOptions: RouteOptions = {
    strategy,
    explain: options.explain ?? false,
    ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
    ...(options.priorityOrder ? { priorityOrder: options.priorityOrder } : {}),
    ...(options.location ? { location: options.location } : {}),
  };
  const decisions = routeSequence(network, stock, problem.orders, policy, routeOptions);
  const totalCost = decisions.reduce((s, d) => s + d.cost.total, 0);
  const optimal = strategy === 'optimal';
  const lowerBound = optimal ? decisions.reduce((s, d) => s + d.search.lowerBound, 0) : 0;
  const exact = optimal && decisions.every((d) => d.search.exact);
  return {
    mode: problem.mode,
    strategy,
    totalCost,
    lowerBound,
    gap: exact || totalCost === 0 ? 0 : (totalCost - lowerBound) / totalCost,
    exact,
    method: optimal ? 'sequential' : 'baseline',
    decisions,
  };
}

/** The output format of the problem file (plans matched by order id), plus costs and search facts. */
export function resultToJson(result: RoutingResult, explain: boolean): unknown {
  return {
    mode: result.mode,
    strategy: result.strategy,
    method: result.method,
    totalCost: result.totalCost,
    lowerBound: result.lowerBound,
    gap: result.gap,
    exact: result.exact,
    plans: result.decisions.map((d) => ({
      order: d.orderId,
      outcome: d.outcome,
      shipments: d.plan.shipments.map((s) => ({
        node: s.node,
        lines: s.lines,
        ...(s.pickup ? { pickup: true } : {}),
        miles: s.miles,
        days: s.days,
        weightLb: s.weightLb,
        cost: s.cost.total,
      })),
      unfilled: d.plan.unfilled,
      cost: d.cost,
      search: d.search,
      ...(explain && d.explanation ? { explanation: d.explanation } : {}),
    })),
  };
}
