import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileNetwork,
  createStockSnapshot,
  parseRoutingProblem,
  type RoutingPolicy,
  routeOrder,
} from '../../src/routing/index.ts';
import {
  formatReportTable,
  type PolicySpec,
  problemScenario,
  renderReportHtml,
  retailScenario,
  runSimulation,
  type Scenario,
  type SimOrder,
} from '../../src/simulation/index.ts';

const small = { orders: 3000, days: 6, nodes: 40, skus: 120 };
const policies: PolicySpec[] = [
  { name: 'default', policy: { id: 'default', version: 1 } },
  { name: 'dc-only', policy: { id: 'dc-only', version: 1, exclude: [{ match: { kinds: ['store'] } }] } },
  { name: 'nearest', policy: { id: 'nearest', version: 1 }, strategy: 'nearest' },
];

describe('simulate: determinism', () => {
  it('gives the same report for the same seed, and another for another seed', async () => {
    const a = await runSimulation(retailScenario({ ...small, seed: 7 }), policies);
    const b = await runSimulation(retailScenario({ ...small, seed: 7 }), policies);
    const c = await runSimulation(retailScenario({ ...small, seed: 8 }), policies);
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
    expect(JSON.stringify(c.report)).not.toBe(JSON.stringify(a.report));
    expect(a.report.scenario.orders).toBe(3000);
    // The optimiser is cheaper than the baseline on the same demand.
    const [opt, , near] = a.report.policies;
    expect(opt!.metrics.objectivePerOrder).toBeLessThan(near!.metrics.objectivePerOrder);
  });

  it('batch mode is deterministic too and is compared with the same policy on arrival', async () => {
    const sc = retailScenario({ ...small, orders: 800, days: 2, seed: 3 });
    const specs: PolicySpec[] = [
      policies[0]!,
      { ...policies[0]!, name: 'default+batch', batch: { windowMinutes: 60 } },
    ];
    const a = await runSimulation(sc, specs);
    const b = await runSimulation(sc, specs);
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
    expect(a.report.comparisons).toHaveLength(1);
    expect(a.report.comparisons[0]).toMatchObject({ batch: 'default+batch', onArrival: 'default' });
  });

  it('the per-cell fast path changes no cost', async () => {
    const sc = retailScenario({ ...small, orders: 2000, seed: 11 });
    const fast = await runSimulation(sc, [policies[0]!], { fastPath: true });
    const full = await runSimulation(sc, [policies[0]!], { fastPath: false });
    const f = fast.report.policies[0]!.metrics;
    const g = full.report.policies[0]!.metrics;
    expect(f.objectivePerOrder).toBeCloseTo(g.objectivePerOrder, 9);
    expect(fast.stats.fastPathShare.default).toBeGreaterThan(0.5);
  });
});

/** Two nodes at the same place, unlimited stock: the policy that may use the cheaper one wins every order. */
function twinScenario(orders: SimOrder[], handlingGap: number): Scenario {
  return {
    name: 'twins',
    network: {
      rates: {
        model: 'zone',
        bands: [
          { maxMiles: 300, base: 8, perLb: 0.5, days: 2 },
          { maxMiles: null, base: 12, perLb: 1, days: 4 },
        ],
      },
      nodes: [
        { id: 'CHEAP', kind: 'warehouse', lat: 40, lon: -90, handlingCost: 1 },
        { id: 'DEAR', kind: 'warehouse', lat: 40, lon: -90, handlingCost: 1 + handlingGap },
      ],
      items: [
        { sku: 'A', weight: 1.2 },
        { sku: 'B', weight: 4 },
      ],
    },
    initialStock: ['CHEAP', 'DEAR'].flatMap((node) =>
      ['A', 'B'].map((sku) => ({ node, sku, available: 1_000_000 })),
    ),
    dailyCapacity: new Map(),
    replenishment: null,
    startMs: 0,
    days: 1,
    orderCount: orders.length,
    orders: () => orders,
    facts: {},
  };
}

describe('simulate: a policy better on every order shows as better', () => {
  it('holds for random demand', async () => {
    const order = fc.record({
      lat: fc.double({ min: 26, max: 48, noNaN: true }),
      lon: fc.double({ min: -120, max: -70, noNaN: true }),
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(order, { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        async (raw, gap) => {
          const orders: SimOrder[] = raw.map((o, i) => ({
            id: `o${i}`,
            minute: i,
            promiseDays: 3,
            destination: { lat: o.lat, lon: o.lon },
            lines: [
              ...(o.a > 0 || o.b === 0 ? [{ sku: 'A', quantity: Math.max(1, o.a) }] : []),
              ...(o.b > 0 ? [{ sku: 'B', quantity: o.b }] : []),
            ],
          }));
          const better: RoutingPolicy = { id: 'any', version: 1 };
          const worse: RoutingPolicy = {
            id: 'dear-only',
            version: 1,
            exclude: [{ match: { nodes: ['CHEAP'] } }],
          };
          const { report } = await runSimulation(twinScenario(orders, gap), [
            { name: 'worse', policy: worse },
            { name: 'better', policy: better },
          ]);
          const [w, b] = report.policies;
          expect(b!.metrics.costPerOrder).toBeLessThan(w!.metrics.costPerOrder);
          expect(b!.metrics.objectivePerOrder).toBeLessThan(w!.metrics.objectivePerOrder);
          expect(w!.metrics.costPerOrder - b!.metrics.costPerOrder).toBeCloseTo(gap, 6);
        },
      ),
      { numRuns: 25 },
    );
  });
});

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/routing-problems');

describe('simulate: routing problem files', () => {
  const sequential = readdirSync(fixtures)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .filter((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')).mode === 'sequential');

  it.each(sequential)('replays %s on arrival at its optimal sequential cost', async (file) => {
    const parsed = parseRoutingProblem(readFileSync(join(fixtures, file), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const expected = JSON.parse(
      readFileSync(join(fixtures, file.replace('.json', '.expected.json')), 'utf8'),
    );
    const { scenario, policy } = problemScenario(parsed.problem, file);
    const { report } = await runSimulation(scenario, [{ name: 'file', policy }]);
    const m = report.policies[0]!.metrics;
    expect(m.objectivePerOrder * m.orders).toBeCloseTo(expected.optimalCost, 6);
  });
});

describe('simulate: report outputs', () => {
  it('prints a table and a self-contained HTML page', async () => {
    const { report } = await runSimulation(
      retailScenario({ ...small, orders: 500, days: 2 }),
      policies.slice(0, 2),
    );
    const table = formatReportTable(report);
    expect(table).toContain('cost per order');
    expect(table).toContain('dc-only');
    const html = renderReportHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    // State outlines drawn once, referenced by each policy's map; one disc per destination cell.
    expect(html.match(/<path id="us-borders" d="M/g)).toHaveLength(1);
    expect(html.match(/<use href="#us-nation"/g)).toHaveLength(2);
    const orders = report.destinations.reduce((s, c) => s + c.orders, 0);
    expect(orders).toBe(500);
    expect(html.match(/<circle[^>]*fill="#2ca02c"/g)?.length).toBe(2 * report.destinations.length);
  });
});

describe('simulate: per-cell candidate nodes', () => {
  it('routing on candidate nodes equals routing on the network of just those nodes', () => {
    const sc = retailScenario({ ...small, orders: 300 });
    const net = compileNetwork(sc.network);
    const kept = [0, 3, 7, 11, 19, 38];
    const direct = compileNetwork({ ...sc.network, nodes: kept.map((i) => sc.network.nodes[i]!) });
    const keptIds = new Set(direct.nodeIds);
    const stock = createStockSnapshot(net, sc.initialStock);
    const directStock = createStockSnapshot(
      direct,
      sc.initialStock.filter((e) => keptIds.has(e.node)),
    );
    const policy: RoutingPolicy = { id: 'p', version: 1, dayCost: 0.5, maxShipments: 3 };
    let split = 0;
    for (const order of sc.orders()) {
      const a = routeOrder({ network: net, stock, order, policy, options: { candidateNodes: kept } });
      const b = routeOrder({ network: direct, stock: directStock, order, policy });
      expect(a.plan).toEqual(b.plan);
      expect(a.cost).toEqual(b.cost);
      expect(a.explanation?.candidates).toEqual(b.explanation?.candidates);
      if (a.plan.shipments.length > 1) split++;
    }
    expect(split).toBeGreaterThan(0);
  });
});

describe('simulate: batch mode on a problem file', () => {
  it('a one-day window reaches the batch optimum of us-retail-batch', async () => {
    const parsed = parseRoutingProblem(readFileSync(join(fixtures, 'us-retail-batch.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const expected = JSON.parse(readFileSync(join(fixtures, 'us-retail-batch.expected.json'), 'utf8'));
    const { scenario, policy } = problemScenario(parsed.problem, 'us-retail-batch.json');
    const { report } = await runSimulation(scenario, [
      { name: 'on-arrival', policy },
      { name: 'batch', policy, batch: { windowMinutes: 1440 } },
    ]);
    const [arrival, batch] = report.policies.map((p) => p.metrics.objectivePerOrder * p.metrics.orders);
    expect(batch).toBeCloseTo(expected.optimalCost, 4);
    expect(batch!).toBeLessThan(arrival!);
    expect(report.comparisons[0]!.splitRateChange).toBeLessThan(0);
  });
});
