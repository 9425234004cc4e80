/** Public API of the routing engine: pure, no I/O; the live order flow and offline tools share it. */
export { type PlanPrice, type PricedPlanInput, pricePlan } from './plan-pricer.ts';
export {
  DEFAULT_POLICY,
  type NodeSelector,
  NodeSelectorSchema,
  type RoutingPolicy,
  RoutingPolicySchema,
} from './policy-schema.ts';
export { type PolicyError, type PolicyValidation, validatePolicy } from './policy-validator.ts';
export { type RoutingProblem, RoutingProblemSchema } from './problem-schema.ts';
export {
  formatProblemError,
  type ProblemError,
  type ProblemValidation,
  parseRoutingProblem,
  validateRoutingProblem,
} from './problem-validator.ts';
export { type BatchOptions, type BatchResult, routeBatch } from './route-batch.ts';
export { type RouteOptions, type RouteOrderInput, routeOrder } from './route-order.ts';
export { routeSequence } from './route-sequence.ts';
export { compileNetwork, type RoutingNetwork } from './routing-network.ts';
export type * from './routing-types.ts';
export {
  type RoutingResult,
  resultToJson,
  type SolveOptions,
  solveProblemFile,
} from './solve-problem-file.ts';
export { applyPlan, cloneStockSnapshot, createStockSnapshot, type StockSnapshot } from './stock-snapshot.ts';
