import { improveBatch } from './batch-local-search.ts';
import { mipSize, solveBatchMip } from './batch-mip.ts';
import { buildCandidates } from './candidate-builder.ts';
import { compilePolicy } from './compiled-policy.ts';
import { readOrder, utcMinuteOf } from './order-problem.ts';
import { buildPlan } from './plan-builder.ts';
import { DEFAULT_POLICY, type RoutingPolicy } from './policy-schema.ts';
import { routeOrder } from './route-order.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type { RoutingDecision, RoutingOrder } from './routing-types.ts';
import { SearchProblem } from './search-problem.ts';
import { applyPlan, cloneStockSnapshot, type StockSnapshot } from './stock-snapshot.ts';

export interface BatchOptions {
  /** Whole budget of the batch, heuristic and MIP together (default 10 s). */
  timeBudgetMs?: number;
  /** auto: MIP when the model has at most `mipMaxVariables` columns, else the heuristic. */
  method?: 'auto' | 'mip' | 'heuristic';
  mipMaxVariables?: number;
  /** Default true: explain each order's plan given the plans of the others. */
  explain?: boolean;
}

export interface BatchResult {
  decisions: RoutingDecision[];
  totalCost: number;
  /** Proven lower bound on the cost of any feasible batch plan. */
  lowerBound: number;
  gap: number;
  exact: boolean;
  method: 'mip' | 'heuristic';
  mipStatus?: 'optimal' | 'time-limit' | 'failed';
  mipVariables?: number;
  localSearchMoves: number;
}

const EPS = 1e-9;

/**
 * Batch mode: all orders decided together, sharing stock and capacity. A sequential pass plus
 * local search always runs first (fast, and the fallback); for moderate sizes the exact MIP then
 * runs in the remaining time and wins when cheaper. Priority groups are not used in batch mode:
 * every group's nodes are candidates. `stock` is not changed.
 */
export async function routeBatch(
  network: RoutingNetwork,
  stock: StockSnapshot,
  orders: readonly RoutingOrder[],
  policy: RoutingPolicy = DEFAULT_POLICY,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const started = performance.now();
  const budget = options.timeBudgetMs ?? 10_000;
  const method = options.method ?? 'auto';
  const heuristicEnd = started + (method === 'heuristic' ? budget : Math.max(50, budget * 0.2));
  const heur = improveBatch(network, stock, orders, policy, heuristicEnd);
  let decisions = heur.decisions;
  let totalCost = heur.totalCost;
  let lowerBound = heur.standaloneBound;
  let used: BatchResult['method'] = 'heuristic';
  let mipStatus: BatchResult['mipStatus'];
  let mipVariables: number | undefined;
  if (method !== 'heuristic') {
    const compiled = compilePolicy(policy, network);
    const problems = orders.map((order) => {
      const p = new SearchProblem();
      const issues: { pointer: string; message: string }[] = [];
      const pickupNode = readOrder(network, order, p, issues);
      if (issues.length > 0) return null;
      p.penalty = compiled.unfilledPenalty;
      p.maxPackages = compiled.maxPackages;
      buildCandidates(
        network,
        stock,
        compiled,
        {
          lat: order.destination.lat,
          lon: order.destination.lon,
          pickupNode,
          latestDays: order.latestDays ?? Number.POSITIVE_INFINITY,
          channel: order.channel,
          utcMinute: utcMinuteOf(compiled, order.placedAt),
          maxTier: Number.POSITIVE_INFINITY,
        },
        p,
        null,
      );
      return p;
    });
    mipVariables = mipSize(problems);
    if (method === 'mip' || mipVariables <= (options.mipMaxVariables ?? 20_000)) {
      const seconds = Math.max(1, (started + budget - performance.now()) / 1000);
      const mip = await solveBatchMip(
        problems,
        { available: stock.available, capacity: stock.capacity, skuCount: network.skuCount },
        seconds,
      );
      mipStatus = mip.status;
      if (Number.isFinite(mip.bound)) lowerBound = Math.max(lowerBound, mip.bound);
      if (mip.plans) {
        const check = cloneStockSnapshot(stock);
        let total = 0;
        const mipDecisions = orders.map((order, o): RoutingDecision => {
          const p = problems[o];
          const plan = mip.plans![o]!;
          if (!p) return heur.decisions[o]!;
          const built = buildPlan(
            network,
            compiled,
            p,
            order.id,
            order.pickupNode !== undefined,
            plan.set,
            plan.set.length,
            plan.qty,
          );
          applyPlan(check, built.plan);
          total += built.cost.total;
          const outcome =
            built.plan.shipments.length === 0
              ? 'no-feasible-route'
              : built.plan.unfilled.length > 0
                ? 'partial'
                : 'complete';
          return {
            orderId: order.id,
            outcome,
            strategy: 'optimal',
            plan: built.plan,
            cost: built.cost,
            search: {
              exact: false,
              lowerBound: 0,
              gap: 0,
              budgetExhausted: false,
              setsEvaluated: 0,
              searchNodes: 0,
            },
          };
        });
        const feasible = check.available.every((v) => v >= 0) && check.capacity.every((v) => v >= 0);
        if (feasible && total < totalCost - EPS) {
          decisions = mipDecisions;
          totalCost = total;
          used = 'mip';
        }
      }
    }
  }
  lowerBound = Math.min(lowerBound, totalCost);
  const gap = totalCost > 0 ? Math.max(0, (totalCost - lowerBound) / totalCost) : 0;
  const exact = gap <= 1e-9 || (mipStatus === 'optimal' && used === 'mip');
  decisions = decisions.map((d, o) => ({
    ...d,
    search: { ...d.search, exact, lowerBound: heur.standalone[o] ?? 0, gap: exact ? 0 : gap },
  }));
  if (options.explain ?? true) explainBatch(network, stock, orders, policy, decisions);
  return {
    decisions,
    totalCost,
    lowerBound,
    gap: exact ? 0 : gap,
    exact,
    method: used,
    ...(mipStatus ? { mipStatus } : {}),
    ...(mipVariables !== undefined ? { mipVariables } : {}),
    localSearchMoves: heur.moves,
  };
}

/**
 * Each order's explanation is the single-order view given the other orders' plans: which
 * nodes it could use, which were ruled out and why, and what its alternatives would cost.
 */
function explainBatch(
  network: RoutingNetwork,
  stock: StockSnapshot,
  orders: readonly RoutingOrder[],
  policy: RoutingPolicy,
  decisions: RoutingDecision[],
): void {
  const left = cloneStockSnapshot(stock);
  for (const d of decisions) applyPlan(left, d.plan);
  orders.forEach((order, o) => {
    const d = decisions[o]!;
    if (d.outcome === 'invalid-order') return;
    applyPlan(left, d.plan, -1);
    const view = routeOrder({
      network,
      stock: left,
      order,
      policy,
      options: { explain: true, timeBudgetMs: 50 },
    });
    applyPlan(left, d.plan);
    if (!view.explanation) return;
    const chosenKey = d.plan.shipments
      .map((s) => s.node)
      .sort()
      .join(',');
    const alternatives = [view, ...[]]
      .filter(
        (v) =>
          v.plan.shipments
            .map((s) => s.node)
            .sort()
            .join(',') !== chosenKey,
      )
      .map((v) => ({
        nodes: v.plan.shipments.map((s) => s.node),
        cost: v.cost.total,
        delta: v.cost.total - d.cost.total,
        unfilledUnits: v.plan.unfilled.reduce((s, u) => s + u.quantity, 0),
      }))
      .concat(
        view.explanation.alternatives
          .filter((a) => [...a.nodes].sort().join(',') !== chosenKey)
          .map((a) => ({ ...a, delta: a.cost - d.cost.total })),
      )
      .slice(0, 3);
    d.explanation = { ...view.explanation, chosen: d.cost, alternatives };
  });
}
