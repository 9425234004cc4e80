import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../availability/availability-fixtures.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

// Destination: ZIP 10001 (Manhattan). A DC in New Jersey (~25 mi, cut-off 15:00, 1 processing
// day), a DC in Chicago (~710 mi), stores in Manhattan and Brooklyn, one in LA, a paused store.
const ET = 'America/New_York';
const NODES: Record<string, Record<string, unknown>> = {
  'DC-NJ': {
    kind: 'warehouse',
    lat: 40.5187,
    lon: -74.4121,
    timezone: ET,
    capabilities: ['ship', 'returns'],
    handlingCost: 1,
    cutoffTime: '15:00',
    processingDays: 1,
    dailyCapacity: null,
  },
  'DC-CHI': {
    kind: 'warehouse',
    lat: 41.8781,
    lon: -87.6298,
    timezone: 'America/Chicago',
    capabilities: ['ship', 'returns'],
    handlingCost: 1,
    cutoffTime: '17:00',
    processingDays: 0,
    dailyCapacity: null,
  },
  'ST-NYC': { lat: 40.7506, lon: -73.9935, timezone: ET, handlingCost: 3.5, cutoffTime: '17:00' },
  'ST-BKN': { lat: 40.6782, lon: -73.9442, timezone: ET, handlingCost: 3.5, cutoffTime: '17:00' },
  'ST-HOB': { lat: 40.744, lon: -74.0324, timezone: ET, handlingCost: 3.5, status: 'paused' },
  'ST-LA': { lat: 34.0522, lon: -118.2437, timezone: 'America/Los_Angeles', handlingCost: 3.5 },
};
// Tuesday 4 March 2025, 09:00 in New York (EST, UTC-5).
const MORNING = '2025-03-04T14:00:00Z';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const headers = bearer(t.adminKey);
  for (const [id, fields] of Object.entries(NODES)) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/nodes/${id}`,
      headers,
      payload: storeNode(fields),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  await t.app.inject({ method: 'PUT', url: '/v1/items/TEE', headers, payload: item({ weight: 0.5 }) });
  await t.app.inject({ method: 'PUT', url: '/v1/items/MUG', headers, payload: item({ weight: 1 }) });
  const db = t.database.db;
  await setStock(db, 'DC-NJ', 'TEE', 10);
  await setStock(db, 'DC-CHI', 'TEE', 50);
  await setStock(db, 'ST-NYC', 'TEE', 1);
  await setStock(db, 'ST-BKN', 'TEE', 5);
  await setStock(db, 'ST-HOB', 'TEE', 9);
  await setStock(db, 'ST-LA', 'TEE', 9);
  await setStock(db, 'DC-CHI', 'MUG', 3);
  await t.services.availability.start(t.database.url);
});
afterAll(async () => {
  await t.services.availability.stop();
  await t.close();
});

async function options(body: Record<string, unknown>, key = t.adminKey) {
  return t.app.inject({ method: 'POST', url: '/v1/fulfilment-options', headers: bearer(key), payload: body });
}
async function ok(body: Record<string, unknown>) {
  const res = await options(body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const cart = (extra: Record<string, unknown> = {}) => ({
  lines: [{ sku: 'TEE', quantity: 2 }],
  destination: { postalCode: '10001' },
  at: MORNING,
  ...extra,
});

describe('POST /v1/fulfilment-options', () => {
  it('gives the cheapest and the fastest delivery with dates, and the nearest pickup stores', async () => {
    const a = await ok(cart());
    expect(a.destination).toMatchObject({ source: 'postal-code' });
    expect(a.lines).toEqual([{ sku: 'TEE', quantity: 2, available: 10 + 50 + 1 + 5 + 9 }]);
    // Cheapest: the NJ DC on the ground card (1 + 8.50), one processing day, one day in transit.
    expect(a.delivery.cheapest).toMatchObject({
      serviceLevel: 'standard',
      complete: true,
      packages: 1,
      cost: 9.5,
      deliveryDate: '2025-03-06',
      unfilled: [],
    });
    expect(a.delivery.cheapest.shipments).toEqual([
      expect.objectContaining({
        node: 'DC-NJ',
        lines: [{ sku: 'TEE', quantity: 2 }],
        cutoffMissed: false,
        processingDays: 1,
        transitDays: 1,
        shipDate: '2025-03-05',
        deliveryDate: '2025-03-06',
      }),
    ]);
    // Fastest: Brooklyn ships today, overnight on the expedited card (3.50 + 14.00): a day earlier.
    expect(a.delivery.fastest).toMatchObject({
      serviceLevel: 'next-day',
      packages: 1,
      cost: 17.5,
      deliveryDate: '2025-03-05',
    });
    expect(a.delivery.fastest.shipments[0]).toMatchObject({
      node: 'ST-BKN',
      shipDate: '2025-03-04',
      transitDays: 1,
    });
    // Pickup: Manhattan holds 1 (not the whole cart), Hoboken is paused, LA is out of the radius.
    expect(a.pickup).toEqual([
      {
        node: 'ST-BKN',
        kind: 'store',
        distanceMiles: expect.any(Number),
        timezone: ET,
        readyAt: '2025-03-04T16:00:00.000Z',
      },
    ]);
    expect(a.pickup[0].distanceMiles).toBeLessThan(10);
    expect(a.indexStalenessMs).toBeGreaterThanOrEqual(0);
  });

  it("applies each node's cut-off in its own time zone: to the ship date and to the pickup ready time", async () => {
    // 16:30 in New York: past the NJ DC's 15:00 cut-off, before the stores' 17:00.
    const late = await ok(cart({ at: '2025-03-04T21:30:00Z' }));
    expect(late.delivery.cheapest.shipments[0]).toMatchObject({
      node: 'DC-NJ',
      cutoffMissed: true,
      shipDate: '2025-03-06',
      deliveryDate: '2025-03-07',
    });
    expect(late.pickup[0]).toMatchObject({ node: 'ST-BKN', readyAt: '2025-03-04T23:30:00.000Z' });
    // 17:30: the store's cut-off is missed too; ready at the next opening (10:00) plus the pick time.
    const evening = await ok(cart({ at: '2025-03-04T22:30:00Z' }));
    expect(evening.pickup[0]).toMatchObject({ node: 'ST-BKN', readyAt: '2025-03-05T17:00:00.000Z' });
  });

  it('is channel-aware: a marketplace that sells only from DCs gets no store, no pickup', async () => {
    const a = await ok(cart({ channel: 'marketplace:amazon' }));
    // (10 + 50) - 2 units of buffer, capped at 50.
    expect(a.lines[0].available).toBe(50);
    expect(a.delivery.cheapest.shipments.map((s: { node: string }) => s.node)).toEqual(['DC-NJ']);
    expect(a.delivery.fastest.shipments.every((s: { node: string }) => s.node.startsWith('DC-'))).toBe(true);
    expect(a.pickup).toEqual([]);
  });

  it('reports a cart the network cannot fully serve, and offers no pickup for it', async () => {
    const a = await ok(cart({ lines: [{ sku: 'MUG', quantity: 5 }] }));
    expect(a.lines).toEqual([{ sku: 'MUG', quantity: 5, available: 3 }]);
    expect(a.delivery.cheapest).toMatchObject({ complete: false, unfilled: [{ sku: 'MUG', quantity: 2 }] });
    expect(a.delivery.cheapest.shipments[0].node).toBe('DC-CHI');
    expect(a.pickup).toEqual([]);
    const none = await ok(cart({ lines: [{ sku: 'MUG', quantity: 1 }], channel: 'store' }));
    expect(none.pickup).toEqual([]);
  });

  it('follows the live index and the active policy', async () => {
    await setStock(t.database.db, 'ST-NYC', 'TEE', 4);
    const deadline = Date.now() + 5_000;
    let a = await ok(cart());
    while (a.pickup[0]?.node !== 'ST-NYC' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      a = await ok(cart());
    }
    expect(a.pickup.map((p: { node: string }) => p.node)).toEqual(['ST-NYC', 'ST-BKN']);

    const headers = bearer(t.adminKey);
    const draft = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies/default/draft',
      headers,
      payload: { exclude: [{ match: { nodes: ['DC-NJ'] } }] },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/policies/default/activate', headers })).statusCode,
    ).toBe(200);
    const after = await ok(cart());
    expect(after.delivery.cheapest.shipments[0].node).not.toBe('DC-NJ');
  });

  it('rejects bad input with a pointer and an unresolvable destination with 422', async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [cart({ lines: [{ sku: 'NOPE', quantity: 1 }] }), 422, 'invalid-cart', '/lines/0/sku'],
      [
        cart({ destination: { postalCode: '00000' } }),
        422,
        'destination-unresolvable',
        '/destination/postalCode',
      ],
      [cart({ channel: 'marketplace:nope' }), 404, 'channel-not-found', '/channel'],
      [cart({ lines: [] }), 400, 'invalid-request', '/lines'],
      [cart({ lines: [{ sku: 'TEE', quantity: 0 }] }), 400, 'invalid-request', '/lines/0/quantity'],
      [cart({ pickup: { radiusMiles: 50, colour: 'red' } }), 400, 'invalid-request', '/pickup/colour'],
    ];
    for (const [body, status, code, pointer] of cases) {
      const res = await options(body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json(), res.body).toMatchObject({ code, pointer });
    }
  });

  it('is open to every role that reads, and to no one without a key', async () => {
    for (const role of ['viewer', 'associate', 'integration'] as const) {
      const res = await options(cart(), await t.keyFor(role, role === 'associate' ? ['ST-NYC'] : []));
      expect(res.statusCode, role).toBe(200);
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/v1/fulfilment-options', payload: cart() });
    expect(anonymous.statusCode).toBe(401);
  });
});
