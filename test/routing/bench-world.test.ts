import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../bench/routing/bench-network.ts';
import {
  applyPlan,
  compileNetwork,
  createStockSnapshot,
  routeBatch,
  routeOrder,
} from '../../src/routing/index.ts';

describe('orders on the 200-node benchmark network', () => {
  it('sampled sequential decisions match the MIP optimum on the same stock', async () => {
    const world = buildWorld(800);
    const network = compileNetwork(world.definition);
    const stock = createStockSnapshot(network, world.inventory);
    const policy = { id: 'bench', version: 1, dayCost: 0.5 };
    let checked = 0;
    let proven = 0;
    for (const [i, order] of world.orders.entries()) {
      const d = routeOrder({
        network,
        stock,
        order,
        policy,
        options: { explain: false, timeBudgetMs: 5000 },
      });
      expect(d.search.exact).toBe(true);
      // Every 20th order is checked against the exact MIP (order 400 once exposed an unsound bound).
      if (i % 20 === 0) {
        const mip = await routeBatch(network, stock, [order], policy, {
          method: 'mip',
          explain: false,
          timeBudgetMs: 2000,
        });
        // Never above the solver's best plan nor below its proven bound; equal when it proved optimality.
        expect(d.cost.total).toBeLessThanOrEqual(mip.totalCost * (1 + 1e-9));
        expect(d.cost.total).toBeGreaterThanOrEqual(mip.lowerBound * (1 - 1e-9));
        if (mip.mipStatus === 'optimal') {
          expect(Math.abs(d.cost.total - mip.lowerBound) / mip.lowerBound).toBeLessThan(1e-6);
          proven++;
        }
        checked++;
      }
      applyPlan(stock, d.plan);
    }
    expect(checked).toBe(40);
    expect(proven).toBeGreaterThan(checked / 2);
  }, 120_000);
});
