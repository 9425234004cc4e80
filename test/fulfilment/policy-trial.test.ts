import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersApp, NEW_YORK, type OrdersApp } from '../orders/order-fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';

// New York orders: DC-EAST (handling 2) beats ST-NYC (3.50) on the same ground band, so the live
// policy ships every one from the DC; a draft that excludes the DC sends them from the store.
let t: OrdersApp;
beforeAll(async () => {
  t = await createOrdersApp();
  await t.stock([
    ['DC-EAST', 'SKU-A', 20],
    ['ST-NYC', 'SKU-A', 20],
  ]);
  for (let i = 0; i < 4; i++) {
    const o = await t.order({ destination: NEW_YORK, lines: [{ sku: 'SKU-A', quantity: 1, price: 10 }] });
    expect(o.status, JSON.stringify(o.json)).toBe(201);
    expect(o.json.fulfilmentOrders[0].nodeId).toBe('DC-EAST');
  }
});
afterAll(async () => {
  await t?.close();
});

const tryDraft = (body: unknown = {}, id = 'default') => t.call('POST', `/v1/policies/${id}/draft/try`, body);

describe('POST /v1/policies/{id}/draft/try', () => {
  it('re-routes recent orders with the draft and the active version and reports the difference, changing nothing', async () => {
    expect(
      (await t.call('PUT', '/v1/policies/default/draft', { exclude: [{ match: { nodes: ['DC-EAST'] } }] }))
        .status,
    ).toBe(201);
    const before = await snapshotState(t.database.db);
    const res = await tryDraft({ orders: 10 });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({
      policyId: 'default',
      draftVersion: 2,
      activeVersion: 1,
      sample: { requested: 10, routed: 4 },
    });
    expect(r.active).toMatchObject({
      orders: 4,
      costPerOrder: 10.5,
      packagesPerOrder: 1,
      splitRate: 0,
      unfilledUnits: 0,
      completeRate: 1,
    });
    expect(r.draft).toMatchObject({
      orders: 4,
      costPerOrder: 12,
      packagesPerOrder: 1,
      splitRate: 0,
      unfilledUnits: 0,
      completeRate: 1,
    });
    expect(r.difference).toMatchObject({
      costPerOrder: 1.5,
      packagesPerOrder: 0,
      splitRate: 0,
      ordersChanged: 4,
    });
    expect(r.active.meanTransitDays).toBeGreaterThanOrEqual(1);
    expect(await snapshotState(t.database.db)).toEqual(before);

    const two = await tryDraft({ orders: 2 });
    expect(two.json.sample).toMatchObject({ requested: 2, routed: 2 });
  });

  it('a draft that splits more shows it: one package per order at most vs no limit', async () => {
    await t.stock([['DC-WEST', 'SKU-B', 5]]);
    const o = await t.order({
      destination: NEW_YORK,
      lines: [
        { sku: 'SKU-A', quantity: 1, price: 10 },
        { sku: 'SKU-B', quantity: 1, price: 10 },
      ],
    });
    expect(o.status).toBe(201);
    await t.call('PUT', '/v1/policies/default/draft', { shipComplete: true });
    const r = (await tryDraft({ orders: 1 })).json;
    expect(r.sample.routed).toBe(1);
    // Live: A from New Jersey and B from Los Angeles, or both from LA; ship-complete: one package.
    expect(r.draft.packagesPerOrder).toBe(1);
    expect(r.draft.splitRate).toBe(0);
    expect(r.difference.packagesPerOrder).toBeLessThanOrEqual(0);
  });

  it('needs a draft (409) of an existing policy (404)', async () => {
    expect((await t.call('POST', '/v1/policies/default/activate')).status).toBe(200);
    const none = await tryDraft();
    expect(none.status).toBe(409);
    expect(none.json.code).toBe('policy-draft-not-found');
    expect((await tryDraft({}, 'nope')).json.code).toBe('policy-not-found');
    expect((await tryDraft({ orders: 0 })).status).toBe(400);
  });
});
