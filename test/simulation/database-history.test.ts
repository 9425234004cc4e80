import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLiveNetworkState, loadRecentOrders } from '../../src/simulation/database-history.ts';
import { historyScenario, runSimulation } from '../../src/simulation/index.ts';
import { CHICAGO, createOrdersApp, type OrdersApp } from '../orders/order-fixtures.ts';

describe('simulate: database scenario', () => {
  let t: OrdersApp;
  beforeAll(async () => {
    t = await createOrdersApp();
    await t.stock([
      ['DC-EAST', 'SKU-A', 50],
      ['DC-WEST', 'SKU-B', 50],
      ['ST-CHI', 'SKU-A', 5],
    ]);
    for (let i = 0; i < 4; i++) expect((await t.order({})).status).toBe(201);
    const split = await t.order({
      destination: CHICAGO,
      lines: [
        { sku: 'SKU-A', quantity: 1, price: 10 },
        { sku: 'SKU-B', quantity: 2, price: 5 },
      ],
    });
    expect(split.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('replays recent orders over the live network and stock', async () => {
    const db = t.database.db;
    const state = await loadLiveNetworkState(db);
    expect(state.network.nodes.map((n) => n.id).sort()).toEqual(['DC-EAST', 'DC-WEST', 'ST-CHI', 'ST-NYC']);
    const orders = await loadRecentOrders(db, 100);
    expect(orders).toHaveLength(5);
    // Stock is what is left to promise now: the orders above reserved some of it.
    const a = state.stock.find((s) => s.node === 'DC-EAST' && s.sku === 'SKU-A');
    expect(a!.available).toBeLessThan(50);
    const { report } = await runSimulation(historyScenario('database', orders, state), [
      { name: 'default', policy: { id: 'default', version: 1 } },
      { name: 'dc-only', policy: { id: 'dc-only', version: 1, exclude: [{ match: { kinds: ['store'] } }] } },
    ]);
    for (const p of report.policies) expect(p.metrics.orders).toBe(5);
    expect(report.policies[0]!.metrics.unfilledUnits).toBe(0);
  });
});
