import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPlan,
  compileNetwork,
  createStockSnapshot,
  pricePlan,
  type RoutingProblem,
  type RoutingStrategy,
  resultToJson,
  routeBatch,
  routeOrder,
  solveProblemFile,
} from '../../src/routing/index.ts';
import { networkOfProblem, policyOfProblem } from '../../src/routing/problem-adapter.ts';
import { allocOf, batchOptimum, initialRemaining, orderOptions, take } from './brute-force.ts';
import { randomProblem } from './random-problem.ts';

const small = { maxNodes: 4, maxItems: 3, maxOrders: 3, maxLines: 3, maxQuantity: 3 } as const;
const baselines: RoutingStrategy[] = ['priority-order', 'most-stock', 'nearest', 'single-location'];
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

describe('routing engine properties', () => {
  it('every plan of every strategy is feasible and re-prices to its reported cost', async () => {
    await fc.assert(
      fc.asyncProperty(
        seed,
        fc.constantFrom('sequential', 'batch'),
        fc.constantFrom<RoutingStrategy>('optimal', ...baselines),
        async (s, mode, strategy) => {
          const problem = randomProblem(s, { ...small, mode });
          const result = await solveProblemFile(problem, { strategy, timeBudgetMs: 2000 });
          const plans = (resultToJson(result, false) as { plans: never[] }).plans;
          const priced = pricePlan(problem, plans);
          expect(priced.violations).toEqual([]);
          expect(close(priced.totalCost, result.totalCost)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the engine never costs more than any baseline on the same order and stock', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const problem = randomProblem(s, { ...small, maxNodes: 6, maxLines: 3, mode: 'sequential' });
        const network = compileNetwork(networkOfProblem(problem));
        const stock = createStockSnapshot(network, problem.inventory);
        const policy = policyOfProblem(problem);
        for (const order of problem.orders) {
          const best = routeOrder({ network, stock, order, policy, options: { explain: false } });
          for (const strategy of baselines) {
            const other = routeOrder({
              network,
              stock,
              order,
              policy,
              options: { strategy, explain: false },
            });
            expect(best.cost.total).toBeLessThanOrEqual(other.cost.total + 1e-9);
          }
          applyPlan(stock, best.plan);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sequential plans are exactly optimal against brute force, order by order', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const problem = randomProblem(s, { ...small, mode: 'sequential' });
        const network = compileNetwork(networkOfProblem(problem));
        const stock = createStockSnapshot(network, problem.inventory);
        const policy = policyOfProblem(problem);
        const left = initialRemaining(problem);
        for (const order of problem.orders) {
          const d = routeOrder({ network, stock, order, policy, options: { explain: false } });
          const optimum = Math.min(...orderOptions(problem, order, left).map((o) => o.cost));
          expect(d.search.exact).toBe(true);
          expect(close(d.cost.total, optimum)).toBe(true);
          applyPlan(stock, d.plan);
          take(left, allocOf(d.plan));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('single orders of medium size match the MIP optimum', async () => {
    await fc.assert(
      fc.asyncProperty(seed, async (s) => {
        const problem = randomProblem(s, {
          maxNodes: 40,
          maxItems: 10,
          maxOrders: 1,
          maxLines: 9,
          maxQuantity: 3,
          mode: 'sequential',
        });
        const network = compileNetwork(networkOfProblem(problem));
        const stock = createStockSnapshot(network, problem.inventory);
        const policy = policyOfProblem(problem);
        const order = problem.orders[0]!;
        const d = routeOrder({
          network,
          stock,
          order,
          policy,
          options: { explain: false, timeBudgetMs: 5000 },
        });
        const mip = await routeBatch(network, stock, [order], policy, { method: 'mip', explain: false });
        expect(mip.mipStatus).toBe('optimal');
        expect(d.search.exact).toBe(true);
        expect(close(d.cost.total, mip.lowerBound)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('batch plans are optimal against a joint brute force', async () => {
    await fc.assert(
      fc.asyncProperty(seed, async (s) => {
        const problem: RoutingProblem = randomProblem(s, {
          maxNodes: 3,
          maxItems: 2,
          maxOrders: 3,
          maxLines: 2,
          maxQuantity: 2,
          mode: 'batch',
        });
        const result = await solveProblemFile(problem);
        expect(close(result.totalCost, batchOptimum(problem))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
