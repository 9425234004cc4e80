import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { CHICAGO, createOrdersApp, type Json, type OrdersApp, positionOf } from './order-fixtures.ts';

let t: OrdersApp;
beforeAll(async () => {
  t = await createOrdersApp();
});
afterAll(async () => {
  await t?.close();
});

describe('capture, route and reserve', () => {
  it('ship-to-home: splits across two nodes when no single node has everything', async () => {
    await t.stock([
      ['DC-EAST', 'SKU-A', 5],
      ['DC-WEST', 'SKU-B', 5],
    ]);
    const res = await t.order({
      externalId: 'SPLIT-1',
      lines: [
        { sku: 'SKU-A', quantity: 2, price: 10 },
        { sku: 'SKU-B', quantity: 1, price: 20 },
      ],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const o = res.json;
    expect(o.status).toBe('released');
    expect(o.fulfilmentOrders.map((f: Json) => f.nodeId).sort()).toEqual(['DC-EAST', 'DC-WEST']);
    for (const f of o.fulfilmentOrders) {
      expect(f.status).toBe('released');
      expect(f.acceptBy).not.toBeNull();
      expect(f.promisedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(o.lines[0].quantities.released).toBe(2);
    expect(o.decision.outcome).toBe('complete');
    expect((await positionOf(t, 'DC-EAST', 'SKU-A'))?.reserved).toBe(2);
    expect((await positionOf(t, 'DC-WEST', 'SKU-B'))?.reserved).toBe(1);

    // Tracking reads the same order back; the decision endpoint has the explanation.
    const got = await t.call('GET', `/v1/orders/${o.id}`);
    expect(got.json.fulfilmentOrders).toHaveLength(2);
    expect(got.json.status).toBe('released');
    const decision = await t.call('GET', `/v1/orders/${o.id}/decision`);
    expect(decision.json.decisions[0].explanation.explanation.candidates.length).toBeGreaterThan(0);
    const customer = await t.call('GET', '/v1/channels/web/orders/SPLIT-1');
    expect(customer.json.id).toBe(o.id);
    const events = await t.call('GET', `/v1/events?aggregateType=order&aggregateId=${o.id}`);
    expect(events.json.items.map((e: Json) => e.type)).toEqual([
      'order.created',
      'fulfilment-order.released',
      'fulfilment-order.released',
      'order-line.released',
      'order-line.released',
      'order.released',
    ]);
  });

  it('is idempotent on channel + externalId, also for concurrent duplicates', async () => {
    await t.stock([['DC-EAST', 'SKU-C', 10]]);
    const body = { externalId: 'DUP-1', lines: [{ sku: 'SKU-C', quantity: 1, price: 5 }] };
    const results = await Promise.all(Array.from({ length: 6 }, () => t.order(body)));
    const ids = new Set(results.map((r) => r.json.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect((await positionOf(t, 'DC-EAST', 'SKU-C'))?.reserved).toBe(1);
  });

  it('ship-from-store and click & collect', async () => {
    await t.stock([['ST-CHI', 'SKU-A', 3]]);
    const fromStore = await t.order({
      destination: CHICAGO,
      lines: [{ sku: 'SKU-A', quantity: 1, price: 10 }],
    });
    expect(fromStore.json.fulfilmentOrders[0].nodeId).toBe('ST-CHI');
    expect(fromStore.json.fulfilmentOrders[0].kind).toBe('shipment');

    const pickup = await t.order({
      destination: CHICAGO,
      fulfilment: 'pickup',
      pickupNode: 'ST-CHI',
      lines: [{ sku: 'SKU-A', quantity: 1, price: 10 }],
    });
    expect(pickup.status).toBe(201);
    const fo = pickup.json.fulfilmentOrders[0];
    expect(fo).toMatchObject({ nodeId: 'ST-CHI', kind: 'pickup', status: 'released' });
    for (const step of ['accept', 'pick', 'pack', 'ready-for-pickup']) {
      const r = await t.call('POST', `/v1/fulfilment-orders/${fo.id}/${step}`, {});
      expect(r.status, `${step} ${JSON.stringify(r.json)}`).toBe(200);
    }
    expect((await t.call('GET', `/v1/orders/${pickup.json.id}`)).json.status).toBe('ready-for-pickup');
    const handed = await t.call('POST', `/v1/fulfilment-orders/${fo.id}/hand-over`, {});
    expect(handed.json.orderStatus).toBe('picked-up');
    expect(await positionOf(t, 'ST-CHI', 'SKU-A')).toEqual({ on_hand: 2, reserved: 1 });
  });

  it('what cannot be served is accepted and waits with its reason; a receipt releases it', async () => {
    // DC-WEST has 4 SKU-B left: 4 ship now (partial fulfilment), 46 wait.
    const res = await t.order({ externalId: 'BO-1', lines: [{ sku: 'SKU-B', quantity: 50, price: 1 }] });
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('released');
    expect(res.json.statusReason).toMatch(/waiting for stock/);
    expect(res.json.lines[0].quantities).toMatchObject({ backordered: 46, released: 4 });
    expect(res.json.lines[0].status).toBe('partially-backordered');
    const unknown = await t.order({
      externalId: 'BO-2',
      lines: [{ sku: 'NOT-IN-CATALOG', quantity: 1, price: 1 }],
    });
    expect(unknown.status).toBe(201);
    expect(unknown.json.statusReason).toMatch(/unknown sku NOT-IN-CATALOG/);

    await t.stock([['DC-WEST', 'SKU-B', 60]]);
    const { allocateWaiting } = await import('../../src/fulfilment/rerouting.ts');
    expect(await allocateWaiting({ db: t.services.db, routing: t.services.routing })).toBe(1);
    const after = await t.call('GET', `/v1/orders/${res.json.id}`);
    expect(after.json.status).toBe('released');
    expect(after.json.statusReason).toBeNull();
    expect(after.json.lines[0].quantities).toMatchObject({ backordered: 0, released: 50 });
    expect(after.json.fulfilmentOrders.map((f: Json) => f.seq)).toEqual([1, 2]);
    expect(after.json.decision.trigger).toBe('backorder');
    // Nothing to allocate twice.
    expect(await allocateWaiting({ db: t.services.db, routing: t.services.routing })).toBe(0);
  });

  it('rejects bad input with clear errors and changes nothing', async () => {
    const before = await snapshotState(t.database.db);
    const bad = [
      [{ lines: [] }, '/lines'],
      [{ destination: { postalCode: '00000' } }, '/destination/postalCode'],
      [{ fulfilment: 'pickup' }, '/pickupNode'],
      [{ fulfilment: 'pickup', pickupNode: 'DC-EAST' }, '/pickupNode'],
      [{ channel: 'fax' }, '/channel'],
    ] as const;
    for (const [body, pointer] of bad) {
      const res = await t.order(body as Record<string, unknown>);
      expect(res.status, JSON.stringify(res.json)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json.pointer, JSON.stringify(res.json)).toBe(pointer);
    }
    expect(await snapshotState(t.database.db)).toEqual(before);
    expect((await verifyLedger(t.database.db)).breaches).toEqual([]);
  });
});
