import type { RoutingPolicy, RoutingProblem } from '../routing/index.ts';
import { policyOfProblem } from '../routing/problem-adapter.ts';
import { DEFAULT_PROMISE_DAYS } from './history-scenario.ts';
import { problemNetworkState } from './network-states.ts';
import type { Scenario, SimOrder } from './sim-types.ts';

/**
 * A routing problem file (shared/specs/routing-problem.md) as a one-day replay: its orders
 * arrive evenly over the day in file order, node capacity is the day's capacity, no
 * replenishment. Sequential on arrival this is exactly the file's sequential mode; a batch
 * policy with a one-day window is its batch mode. Returns the file's own policy too.
 */
export function problemScenario(
  problem: RoutingProblem,
  file: string,
): { scenario: Scenario; policy: RoutingPolicy } {
  const state = problemNetworkState(problem, file);
  const n = problem.orders.length;
  const orders: SimOrder[] = problem.orders.map((o, i) => ({
    ...o,
    minute: (i * 1440) / Math.max(1, n),
    promiseDays: o.latestDays ?? DEFAULT_PROMISE_DAYS,
  }));
  return {
    policy: policyOfProblem(problem),
    scenario: {
      name: `problem:${file}`,
      network: state.network,
      initialStock: state.stock,
      dailyCapacity: state.dailyCapacity,
      replenishment: null,
      startMs: Date.UTC(2025, 0, 1),
      days: 1,
      orderCount: n,
      orders: () => orders,
      facts: { source: file, mode: problem.mode },
    },
  };
}
