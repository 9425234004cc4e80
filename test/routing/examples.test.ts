import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compileNetwork,
  createStockSnapshot,
  parseRoutingProblem,
  pricePlan,
  type RoutingProblem,
  resultToJson,
  routeBatch,
  solveProblemFile,
} from '../../src/routing/index.ts';
import { networkOfProblem, policyOfProblem } from '../../src/routing/problem-adapter.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/routing-problems');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

function load(name: string): { problem: RoutingProblem; optimalCost: number } {
  const parsed = parseRoutingProblem(readFileSync(join(dir, `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.pointer} ${parsed.error.message}`);
  const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as {
    optimalCost: number;
  };
  return { problem: parsed.problem, optimalCost: expected.optimalCost };
}

describe('routing problem examples', () => {
  it('has all 16 examples', () => {
    expect(names).toHaveLength(16);
  });

  for (const name of names) {
    it(`${name}: reproduces the optimal cost and every plan re-prices to its reported cost`, async () => {
      const { problem, optimalCost } = load(name);
      const result = await solveProblemFile(problem);
      expect(Math.abs(result.totalCost - optimalCost) / optimalCost).toBeLessThan(1e-6);
      expect(result.exact).toBe(true);
      const out = resultToJson(result, false) as { plans: { order: string; cost: { total: number } }[] };
      expect(out.plans.map((p) => p.order).sort()).toEqual(problem.orders.map((o) => o.id).sort());
      const priced = pricePlan(problem, out.plans as never);
      expect(priced.violations).toEqual([]);
      expect(Math.abs(priced.totalCost - result.totalCost)).toBeLessThan(1e-9 * Math.max(1, optimalCost));
      for (const plan of out.plans) {
        expect(priced.costs.get(plan.order)).toBeCloseTo(plan.cost.total, 9);
      }
    });
  }

  for (const name of names.filter((n) => load(n).problem.mode === 'batch')) {
    it(`${name}: the MIP alone proves the optimum`, async () => {
      const { problem, optimalCost } = load(name);
      const network = compileNetwork(networkOfProblem(problem));
      const stock = createStockSnapshot(network, problem.inventory);
      const r = await routeBatch(network, stock, problem.orders, policyOfProblem(problem), {
        method: 'mip',
        explain: true,
      });
      expect(r.mipStatus).toBe('optimal');
      expect(Math.abs(r.lowerBound - optimalCost) / optimalCost).toBeLessThan(1e-6);
      expect(Math.abs(r.totalCost - optimalCost) / optimalCost).toBeLessThan(1e-6);
      expect(r.gap).toBe(0);
      for (const d of r.decisions) expect(d.explanation?.chosen.total).toBeCloseTo(d.cost.total, 9);
    });
  }
});
