import type { RoutingPolicy } from './policy-schema.ts';
import type { RoutingProblem } from './problem-schema.ts';
import type { NetworkDefinition, RoutingOrder } from './routing-types.ts';

/** The problem file's parts in the engine's domain types. */
export function networkOfProblem(problem: RoutingProblem): NetworkDefinition {
  return { rates: problem.rates, nodes: problem.nodes, items: problem.items };
}

export function policyOfProblem(problem: RoutingProblem): RoutingPolicy {
  const p = problem.policy ?? {};
  return {
    id: 'problem-file',
    version: 1,
    ...(p.unfilledPenalty !== undefined ? { unfilledPenalty: p.unfilledPenalty } : {}),
    ...(p.dayCost !== undefined ? { dayCost: p.dayCost } : {}),
    ...(p.maxShipments !== undefined ? { maxShipments: p.maxShipments } : {}),
  };
}

export function ordersOfProblem(problem: RoutingProblem): RoutingOrder[] {
  return problem.orders;
}
