import { describe, expect, it } from 'vitest';
import { runBenchmarkPolicy } from '../../src/simulation/fulfillment-benchmark/benchmark-policies.ts';
import { loadBenchmarkData } from '../../src/simulation/fulfillment-benchmark/dataset-loader.ts';
import { EngineAdapter } from '../../src/simulation/fulfillment-benchmark/engine-adapter.ts';
import { FluidLp, solveFluidLp } from '../../src/simulation/fulfillment-benchmark/fluid-lp.ts';
import {
  arrivalSequence,
  generateInstance,
  type InstanceParams,
  WARMUP_PARAMS,
} from '../../src/simulation/fulfillment-benchmark/instance-generator.ts';
import {
  assignmentCost,
  OrderOptimizer,
} from '../../src/simulation/fulfillment-benchmark/order-optimizer.ts';
import { runPaperExperiment } from '../../src/simulation/fulfillment-benchmark/paper-experiment.ts';

const data = loadBenchmarkData('warmup');
const short: InstanceParams = { ...WARMUP_PARAMS, horizon: 2000 };

describe('fulfilment benchmark: instances', () => {
  it('follows the published generator and is seeded', () => {
    const a = generateInstance(data, WARMUP_PARAMS, 5);
    const b = generateInstance(data, WARMUP_PARAMS, 5);
    expect(a.stock).toEqual(b.stock);
    expect(a.cityCount).toBe(10);
    expect(a.centreCount).toBe(5);
    expect(a.types).toHaveLength(25);
    expect(a.types.reduce((s, t) => s + t.probability, 0)).toBeCloseTo(1, 12);
    for (const t of a.types) expect(new Set(t.items).size).toBe(t.items.length);
    // Every item is carried somewhere; stock only where carried.
    for (let i = 0; i < 20; i++) {
      let carried = 0;
      for (let k = 0; k < 5; k++) {
        carried += a.carries[i * 5 + k]!;
        if (!a.carries[i * 5 + k]) expect(a.stock[i * 5 + k]).toBe(0);
      }
      expect(carried).toBeGreaterThan(0);
    }
    // Package cost 8.759 + q (0.423 + 0.000541 miles); the lost-sale centre twice the farthest.
    const j = 0;
    const far = Math.max(...[0, 1, 2, 3, 4].map((k) => a.miles[k * 10 + j]!));
    expect(a.fixed[j * 6 + 5]).toBeCloseTo(2 * 8.759, 12);
    expect(a.unitCost[j * 6 + 5]).toBeCloseTo(2 * (0.423 + 0.000541 * far), 12);
  });
});

describe('fulfilment benchmark: policies and bound', () => {
  it('the engine, through the routing problem model, finds each order exact optimum', () => {
    const inst = generateInstance(data, short, 9);
    const engine = new EngineAdapter(inst);
    const optimizer = new OrderOptimizer(inst);
    const stock = inst.stock.slice();
    const assignment = new Int32Array(16);
    for (const a of arrivalSequence(inst, 4).slice(0, 1500)) {
      const items = inst.types[a.type]!.items;
      const best = optimizer.solve(a.city, items, stock, null);
      const engineCost = engine.route(a.city, items, assignment);
      expect(engineCost).toBeCloseTo(best, 6);
      expect(assignmentCost(inst, a.city, assignment, items.length)).toBeCloseTo(best, 6);
      for (let x = 0; x < items.length; x++) {
        const k = assignment[x]!;
        if (k < 5) stock[items[x]! * 5 + k] = stock[items[x]! * 5 + k]! - 1;
      }
    }
  });

  it('the hindsight LP of a sequence is never above any policy cost on it', async () => {
    for (const seed of [1, 2]) {
      const inst = generateInstance(data, short, seed);
      const arrivals = arrivalSequence(inst, seed * 31);
      const Q = inst.types.length;
      const weights = new Float64Array(inst.cityCount * Q);
      for (const a of arrivals) weights[a.city * Q + a.type]! += 1 / arrivals.length;
      const hindsight = await solveFluidLp(inst, inst.stock, arrivals.length, weights);
      expect(hindsight.status).toBe('optimal');
      const lp = await FluidLp.create(inst);
      const duals = lp.solve().dual;
      for (const p of ['myopic', 'engine', 'dual-price', 'dual-price-resolving'] as const) {
        const cost = await runBenchmarkPolicy(inst, arrivals, p, { initialDuals: duals, lp });
        expect(hindsight.bound).toBeLessThanOrEqual(cost * (1 + 1e-9));
      }
      lp.dispose();
    }
  });

  it('scores: LP bound below every mean cost, engine beats myopic, dual prices beat the engine', async () => {
    const r = await runPaperExperiment(data, { instances: 3, sequences: 2, seed: 5, params: short });
    for (const inst of r.instances)
      for (const cost of Object.values(inst.meanCost)) expect(inst.lpBound).toBeLessThanOrEqual(cost);
    const s = r.paperRatio;
    expect(s.engine!).toBeLessThan(s.myopic!);
    expect(s['dual-price-resolving']!).toBeLessThan(s.engine!);
    expect(s['dual-price-resolving']!).toBeGreaterThanOrEqual(1);
  });
});
