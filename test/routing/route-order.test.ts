import { describe, expect, it } from 'vitest';
import {
  compileNetwork,
  createStockSnapshot,
  type InventoryEntry,
  type NetworkDefinition,
  pricePlan,
  type RoutingOrder,
  routeOrder,
} from '../../src/routing/index.ts';
import { prng } from './random-problem.ts';

const definition: NetworkDefinition = {
  rates: {
    model: 'zone',
    bands: [
      { maxMiles: 100, base: 7, perLb: 0.4, days: 1 },
      { maxMiles: 600, base: 10, perLb: 0.7, days: 2 },
      { maxMiles: null, base: 14, perLb: 1.1, days: 4 },
    ],
  },
  nodes: [
    { id: 'DC', kind: 'warehouse', lat: 41.88, lon: -87.63, handlingCost: 1 },
    { id: 'OFF', kind: 'store', lat: 39.96, lon: -75.17, handlingCost: 2, enabled: false },
    { id: 'PICK', kind: 'store', lat: 39.95, lon: -75.16, handlingCost: 2, fulfils: ['pickup'] },
    { id: 'SLOW', kind: 'dropship', lat: 40.0, lon: -75.2, handlingCost: 0.5, extraDays: 6 },
    { id: 'NYC', kind: 'store', lat: 40.71, lon: -74.0, handlingCost: 3 },
  ],
  items: [
    { sku: 'A', weight: 1.2 },
    { sku: 'B', weight: 3 },
  ],
};
const inventory: InventoryEntry[] = definition.nodes.flatMap((n) => [
  { node: n.id, sku: 'A', available: 10 },
  { node: n.id, sku: 'B', available: n.id === 'NYC' ? 0 : 10 },
]);
const network = compileNetwork(definition);
const order: RoutingOrder = {
  id: 'o1',
  destination: { lat: 39.95, lon: -75.16 },
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ],
  latestDays: 5,
};

describe('routeOrder', () => {
  it('explains the decision: candidates, eliminations with reasons, cost breakdown, alternatives', () => {
    const stock = createStockSnapshot(network, inventory);
    const d = routeOrder({ network, stock, order });
    expect(d.outcome).toBe('complete');
    const e = d.explanation!;
    expect(e.eliminated).toEqual(
      expect.arrayContaining([
        { node: 'OFF', reason: 'disabled' },
        { node: 'PICK', reason: 'does-not-ship' },
        { node: 'SLOW', reason: 'too-slow', detail: '7 days > 5' },
      ]),
    );
    expect(e.candidates.map((c) => c.node).sort()).toEqual(['DC', 'NYC']);
    expect(e.chosen).toEqual(d.cost);
    expect(d.cost.total).toBeCloseTo(
      d.cost.handling + d.cost.parcel + d.cost.time + d.cost.penalty + d.cost.co2e,
      9,
    );
    expect(e.alternatives.length).toBeGreaterThan(0);
    for (const a of e.alternatives) expect(a.delta).toBeGreaterThanOrEqual(0);
    expect(e.alternatives.map((a) => a.cost)).toEqual(
      [...e.alternatives.map((a) => a.cost)].sort((a, b) => a - b),
    );
  });

  it('returns typed outcomes instead of throwing', () => {
    const stock = createStockSnapshot(network, []);
    const none = routeOrder({ network, stock, order });
    expect(none.outcome).toBe('no-feasible-route');
    expect(none.plan.unfilled).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ]);
    expect(none.cost.penalty).toBe(3000);
    const bad = routeOrder({
      network,
      stock,
      order: {
        ...order,
        lines: [
          { sku: 'Z', quantity: 1 },
          { sku: 'A', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
      },
    });
    expect(bad.outcome).toBe('invalid-order');
    expect(bad.issues?.map((i) => i.pointer)).toEqual(['/lines/0/sku', '/lines/2/sku']);
    const notPickup = routeOrder({ network, stock, order: { ...order, pickupNode: 'DC' } });
    expect(notPickup.issues).toEqual([
      { pointer: '/pickupNode', message: 'node "DC" does not offer pickup' },
    ]);
  });

  it('serves a pickup order only from its pickup node', () => {
    const stock = createStockSnapshot(network, inventory);
    const d = routeOrder({ network, stock, order: { ...order, pickupNode: 'PICK' } });
    expect(d.plan.shipments.map((s) => [s.node, s.pickup, s.cost.parcel])).toEqual([['PICK', true, 0]]);
  });

  it('does not change the stock snapshot it reads', () => {
    const stock = createStockSnapshot(network, inventory);
    const before = stock.available.slice();
    routeOrder({ network, stock, order });
    expect(stock.available).toEqual(before);
  });

  describe('a large order on a large network', () => {
    // 300 nodes, 20 lines, thin stock: the cheapest plan needs several packages.
    const r = prng(7);
    const big: NetworkDefinition = {
      rates: definition.rates,
      items: Array.from({ length: 40 }, (_, i) => ({ sku: `S${i}`, weight: 0.2 + r() * 5 })),
      nodes: Array.from({ length: 300 }, (_, i) => ({
        id: `N${i}`,
        kind: i < 5 ? ('warehouse' as const) : ('store' as const),
        lat: 30 + r() * 15,
        lon: -120 + r() * 45,
        handlingCost: 1 + r() * 3,
      })),
    };
    const inv: InventoryEntry[] = big.nodes.flatMap((n) =>
      big.items
        .filter(() => r() < 0.15)
        .map((it) => ({ node: n.id, sku: it.sku, available: 1 + Math.floor(r() * 3) })),
    );
    const net = compileNetwork(big);
    const o: RoutingOrder = {
      id: 'big',
      destination: { lat: 39, lon: -95 },
      lines: big.items.slice(0, 20).map((it) => ({ sku: it.sku, quantity: 1 + Math.floor(r() * 2) })),
    };

    it('is deterministic and, when the budget is hit, returns the best plan found with a proven gap', () => {
      const stock = createStockSnapshot(net, inv);
      const a = routeOrder({
        network: net,
        stock,
        order: o,
        options: { maxSearchNodes: 2000, explain: false },
      });
      const b = routeOrder({
        network: net,
        stock,
        order: o,
        options: { maxSearchNodes: 2000, explain: false },
      });
      expect(a.plan).toEqual(b.plan);
      expect(a.search.budgetExhausted).toBe(true);
      expect(a.search.exact).toBe(false);
      expect(a.search.lowerBound).toBeLessThanOrEqual(a.cost.total);
      expect(a.search.gap).toBeGreaterThanOrEqual(0);
      expect(a.search.gap).toBe((a.cost.total - a.search.lowerBound) / a.cost.total);
      const problem = {
        version: 1 as const,
        mode: 'sequential' as const,
        rates: big.rates,
        nodes: big.nodes,
        items: big.items,
        inventory: inv,
        orders: [o],
      };
      expect(pricePlan(problem, [a.plan]).violations).toEqual([]);
      expect(pricePlan(problem, [a.plan]).totalCost).toBeCloseTo(a.cost.total, 9);
    });
  });
});
