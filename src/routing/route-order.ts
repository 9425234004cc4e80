import { type BaselineOptions, runBaseline } from './baseline-strategies.ts';
import { buildCandidates, type CandidateRequest } from './candidate-builder.ts';
import { type CompiledPolicy, compilePolicy } from './compiled-policy.ts';
import { readOrder, utcMinuteOf } from './order-problem.ts';
import { OrderSearch } from './order-search.ts';
import { buildPlan } from './plan-builder.ts';
import { DEFAULT_POLICY, type RoutingPolicy } from './policy-schema.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type {
  AlternativePlan,
  CandidateNode,
  EliminatedNode,
  Explanation,
  OrderIssue,
  RoutingDecision,
  RoutingOrder,
  RoutingOutcome,
  RoutingStrategy,
  SearchReport,
} from './routing-types.ts';
import { SearchProblem } from './search-problem.ts';
import type { StockSnapshot } from './stock-snapshot.ts';

export interface RouteOptions extends BaselineOptions {
  /** Default 'optimal'; the others are the peer baselines. */
  strategy?: RoutingStrategy;
  /** Wall-clock budget of the search; when hit, the best plan found is returned with its gap. */
  timeBudgetMs?: number;
  /** Deterministic budget in branch-and-bound nodes. */
  maxSearchNodes?: number;
  /** Default true: attach candidates, eliminations and alternatives. */
  explain?: boolean;
  /** How many alternative plans the explanation lists (default 3). */
  alternatives?: number;
  /**
   * Node indices (ascending) the order may use: the decision is the one on the network of just
   * these nodes, and other nodes are not listed in the explanation. Default: every node.
   */
  candidateNodes?: ArrayLike<number>;
}

export interface RouteOrderInput {
  network: RoutingNetwork;
  /** Stock and capacity left; read only. Apply the decision with `applyPlan` to commit it. */
  stock: StockSnapshot;
  order: RoutingOrder;
  policy?: RoutingPolicy;
  options?: RouteOptions;
}

export const DEFAULT_TIME_BUDGET_MS = 200;
export const DEFAULT_MAX_SEARCH_NODES = 20_000_000;

// One workspace per process: routeOrder is synchronous, so calls never overlap.
const problem = new SearchProblem();
const search = new OrderSearch();

/**
 * Routes one order: the cheapest feasible plan under the policy given the stock left (or a
 * baseline's plan), with its cost breakdown, search report and explanation. Never throws for
 * an order that cannot be served or refers to unknown skus: those are typed outcomes.
 */
export function routeOrder(input: RouteOrderInput): RoutingDecision {
  const { network: net, stock, order } = input;
  const opts = input.options ?? {};
  const strategy = opts.strategy ?? 'optimal';
  const explain = opts.explain ?? true;
  const policy = compilePolicy(input.policy ?? DEFAULT_POLICY, net);
  const p = problem;
  const issues: OrderIssue[] = [];
  const pickupNode = readOrder(net, order, p, issues);
  p.penalty = policy.unfilledPenalty;
  p.maxPackages = policy.maxPackages;
  if (issues.length > 0) return invalidDecision(order, strategy, policy, issues);
  const tiers = policy.groups.length;
  const req: CandidateRequest = {
    lat: order.destination.lat,
    lon: order.destination.lon,
    pickupNode,
    latestDays: order.latestDays ?? Number.POSITIVE_INFINITY,
    channel: order.channel,
    utcMinute: utcMinuteOf(policy, order.placedAt),
    maxTier: tiers > 0 ? 0 : Number.POSITIVE_INFINITY,
    nodes: opts.candidateNodes,
  };
  const started = performance.now();
  const deadline = started + (opts.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const maxNodes = opts.maxSearchNodes ?? DEFAULT_MAX_SEARCH_NODES;
  const keep = explain ? (opts.alternatives ?? 3) : 0;
  // Priority groups are tiers: the first tier (with all before it) that fills the order wins.
  for (let tier = 0; ; tier++) {
    req.maxTier = tiers > 0 ? tier : Number.POSITIVE_INFINITY;
    const eliminated: EliminatedNode[] | null = explain ? [] : null;
    buildCandidates(net, stock, policy, req, p, eliminated);
    let set: ArrayLike<number>;
    let size: number;
    let qty: ArrayLike<number>;
    let report: SearchReport;
    if (strategy === 'optimal') {
      search.run(p, { deadline, maxNodes }, keep);
      set = search.bestSet;
      size = search.bestSize;
      qty = search.bestQty;
      report = {
        exact: !search.exhausted,
        lowerBound: search.lowerBound,
        gap: 0,
        budgetExhausted: search.exhausted,
        setsEvaluated: search.setsEvaluated,
        searchNodes: search.nodes,
      };
    } else {
      const b = runBaseline(strategy, net, p, opts);
      set = b.set;
      size = b.set.length;
      qty = b.qty;
      report = {
        exact: false,
        lowerBound: 0,
        gap: 1,
        budgetExhausted: false,
        setsEvaluated: 0,
        searchNodes: 0,
      };
    }
    const { plan, cost } = buildPlan(net, policy, p, order.id, pickupNode >= 0, set, size, qty);
    if (plan.unfilled.length > 0 && tiers > 0 && tier < tiers - 1) continue;
    if (strategy === 'optimal') {
      report.lowerBound = Math.min(report.lowerBound, cost.total);
      report.gap = cost.total > 0 ? (cost.total - report.lowerBound) / cost.total : 0;
    } else {
      report.gap = cost.total > 0 ? 1 : 0;
    }
    const outcome: RoutingOutcome =
      plan.shipments.length === 0 ? 'no-feasible-route' : plan.unfilled.length > 0 ? 'partial' : 'complete';
    const decision: RoutingDecision = { orderId: order.id, outcome, strategy, plan, cost, search: report };
    if (eliminated) {
      decision.explanation = explanationOf(
        net,
        policy,
        p,
        eliminated,
        cost.total,
        set,
        size,
        strategy === 'optimal',
        keep,
      );
      decision.explanation.chosen = cost;
      if (tiers > 0) decision.explanation.tier = { index: tier, name: policy.groups[tier]!.name };
    }
    return decision;
  }
}

function explanationOf(
  net: RoutingNetwork,
  policy: CompiledPolicy,
  p: SearchProblem,
  eliminated: EliminatedNode[],
  cost: number,
  set: ArrayLike<number>,
  size: number,
  searched: boolean,
  keep: number,
): Explanation {
  const K = p.lineCount;
  const candidates: CandidateNode[] = [];
  for (let c = 0; c < p.candidateCount; c++) {
    let units = 0;
    for (let k = 0; k < K; k++) units += p.avail[c * K + k]!;
    const by = searched ? search.dominatedBy[c]! : -1;
    candidates.push({
      node: net.nodeIds[p.node[c]!]!,
      miles: p.miles[c]!,
      days: p.days[c]!,
      packageCost: p.fixed[c]!,
      unitsAvailable: units,
      ...(by >= 0 ? { dominatedBy: net.nodeIds[p.node[by]!]! } : {}),
    });
  }
  const chosenKey = Array.from({ length: size }, (_, t) => set[t]!)
    .sort((a, b) => a - b)
    .join(',');
  const alternatives: AlternativePlan[] = [];
  if (searched) {
    for (const alt of search.alternatives) {
      if ([...alt.set].sort((a, b) => a - b).join(',') === chosenKey) continue;
      alternatives.push({
        nodes: alt.set.map((c) => net.nodeIds[p.node[c]!]!),
        cost: alt.cost,
        delta: alt.cost - cost,
        unfilledUnits: alt.unfilled,
      });
    }
  }
  return {
    policy: { id: policy.id, version: policy.version },
    candidates,
    eliminated,
    chosen: { handling: 0, parcel: 0, time: 0, penalty: 0, co2e: 0, total: cost },
    alternatives: alternatives.slice(0, keep),
  };
}

function invalidDecision(
  order: RoutingOrder,
  strategy: RoutingStrategy,
  policy: CompiledPolicy,
  issues: OrderIssue[],
): RoutingDecision {
  let units = 0;
  for (const l of order.lines) units += Number.isFinite(l.quantity) ? Math.max(0, l.quantity) : 0;
  const penalty = units * policy.unfilledPenalty;
  return {
    orderId: order.id,
    outcome: 'invalid-order',
    strategy,
    plan: {
      order: order.id,
      shipments: [],
      unfilled: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    },
    cost: { handling: 0, parcel: 0, time: 0, penalty, co2e: 0, total: penalty },
    search: { exact: false, lowerBound: 0, gap: 1, budgetExhausted: false, setsEvaluated: 0, searchNodes: 0 },
    issues,
  };
}
