import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { createOrdersApp, NEW_YORK, type OrdersApp, positionOf } from '../orders/order-fixtures.ts';
import { storeNode } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer } from '../support/test-app.ts';

// The order ships from DC-EAST (New Jersey; it takes no returns). Returns go to ST-RET (Brooklyn,
// a store that accepts returns), or by mail to the nearest warehouse that does: DC-PHL, not DC-LAX.
const RETURN_NODES = {
  'ST-RET': {
    kind: 'store',
    lat: 40.6782,
    lon: -73.9442,
    timezone: 'America/New_York',
    capabilities: ['ship', 'pickup', 'returns'],
  },
  'DC-PHL': {
    kind: 'warehouse',
    lat: 39.9526,
    lon: -75.1652,
    timezone: 'America/New_York',
    capabilities: ['ship', 'returns'],
  },
  'DC-LAX': {
    kind: 'warehouse',
    lat: 33.9416,
    lon: -118.4085,
    timezone: 'America/Los_Angeles',
    capabilities: ['ship', 'returns'],
  },
};

let t: OrdersApp;
let order: { id: string; lines: { id: string; sku: string }[] };
const lineOf = (sku: string) => order.lines.find((l) => l.sku === sku)!.id;

async function shippedOrder(lines: { sku: string; quantity: number; price: number }[]) {
  const o = (await t.order({ destination: NEW_YORK, lines })).json;
  for (const f of o.fulfilmentOrders) {
    for (const step of ['accept', 'pack'])
      expect((await t.call('POST', `/v1/fulfilment-orders/${f.id}/${step}`, {})).status).toBe(200);
    const ship = await t.call('POST', `/v1/fulfilment-orders/${f.id}/ship`, {
      carrier: 'UPS',
      trackingNumber: `1Z${f.id.slice(0, 6)}`,
    });
    expect(ship.status, JSON.stringify(ship.json)).toBe(200);
    expect((await t.call('POST', `/v1/fulfilment-orders/${f.id}/deliver`, {})).status).toBe(200);
  }
  return (await t.call('GET', `/v1/orders/${o.id}`)).json;
}
const authorise = (body: unknown, headers?: Record<string, string>) =>
  t.call('POST', `/v1/orders/${order.id}/returns`, body, headers);
const receive = (id: string, body: unknown, headers?: Record<string, string>) =>
  t.call('POST', `/v1/returns/${id}/receive`, body, headers);
async function orderEvents() {
  const res = await t.call('GET', `/v1/events?aggregateType=order&aggregateId=${order.id}&limit=200`);
  return res.json.items as { type: string; aggregateSeq: number; payload: Record<string, unknown> }[];
}

beforeAll(async () => {
  t = await createOrdersApp();
  for (const [id, n] of Object.entries(RETURN_NODES)) {
    const res = await t.call(
      'PUT',
      `/v1/nodes/${id}`,
      storeNode({ ...n, dailyCapacity: null, tags: [], priorityGroup: null }),
    );
    expect(res.status).toBe(201);
  }
  await t.stock([
    ['DC-EAST', 'SKU-A', 20],
    ['DC-EAST', 'SKU-B', 5],
  ]);
  order = await shippedOrder([
    { sku: 'SKU-A', quantity: 3, price: 19.99 },
    { sku: 'SKU-B', quantity: 1, price: 5.5 },
  ]);
  expect(order).toMatchObject({ status: 'delivered' });
  expect(order.lines.length).toBe(2);
});
afterAll(async () => {
  expect((await verifyLedger(t.database.db)).breaches).toEqual([]);
  await t?.close();
});

describe('returns', () => {
  it('refuses to authorise more than was shipped, naming the line, and changes nothing', async () => {
    const before = await snapshotState(t.database.db);
    const over = await authorise({
      method: 'in-store',
      nodeId: 'ST-RET',
      lines: [{ lineId: lineOf('SKU-A'), quantity: 4 }],
    });
    expect(over.status).toBe(409);
    expect(over.json).toMatchObject({
      code: 'return-quantity-exceeded',
      pointer: '/lines/0/quantity',
      returnable: 3,
    });
    const notAStore = await authorise({
      method: 'in-store',
      nodeId: 'ST-NYC',
      lines: [{ lineId: lineOf('SKU-A'), quantity: 1 }],
    });
    expect(notAStore.json).toMatchObject({ code: 'invalid-return', pointer: '/nodeId' });
    const foreign = await authorise({
      method: 'mail',
      lines: [{ lineId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
    });
    expect(foreign.json).toMatchObject({ code: 'invalid-return', pointer: '/lines/0/lineId' });
    expect(await snapshotState(t.database.db)).toEqual(before);

    // A line not shipped yet has nothing to return.
    const open = (await t.order({ destination: NEW_YORK, lines: [{ sku: 'SKU-A', quantity: 1, price: 1 }] }))
      .json;
    const none = await t.call('POST', `/v1/orders/${open.id}/returns`, {
      method: 'mail',
      lines: [{ lineId: open.lines[0].id, quantity: 1 }],
    });
    expect(none.json).toMatchObject({ code: 'return-quantity-exceeded', returnable: 0 });
  });

  it('returns in a store that did not ship: restock raises on hand and ATP there, refund per line', async () => {
    const auth = await authorise({
      method: 'in-store',
      nodeId: 'ST-RET',
      lines: [{ lineId: lineOf('SKU-A'), quantity: 2 }],
      reason: 'too small',
    });
    expect(auth.status, JSON.stringify(auth.json)).toBe(201);
    expect(auth.json).toMatchObject({
      status: 'authorised',
      method: 'in-store',
      nodeId: 'ST-RET',
      refundTotal: null,
    });
    const id = auth.json.id as string;

    // An associate of another store may not receive it; nor may a node that takes no returns.
    const otherStore = bearer(await t.keyFor('associate', ['ST-NYC']));
    const forbidden = await receive(
      id,
      { nodeId: 'ST-RET', lines: [{ lineId: lineOf('SKU-A'), quantity: 2, disposition: 'restock' }] },
      otherStore,
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.code).toBe('node-forbidden');
    const noReturns = await receive(
      id,
      { nodeId: 'ST-NYC', lines: [{ lineId: lineOf('SKU-A'), quantity: 2, disposition: 'restock' }] },
      otherStore,
    );
    expect(noReturns.json).toMatchObject({ code: 'invalid-return', pointer: '/nodeId' });
    const tooMany = await receive(id, {
      nodeId: 'ST-RET',
      lines: [{ lineId: lineOf('SKU-A'), quantity: 3, disposition: 'restock' }],
    });
    expect(tooMany.json).toMatchObject({ code: 'return-quantity-exceeded', pointer: '/lines/0/quantity' });

    const atpBefore = t.services.availability.atp('SKU-A', 'ST-RET');
    const desk = bearer(await t.keyFor('associate', ['ST-RET']));
    const got = await receive(
      id,
      { nodeId: 'ST-RET', lines: [{ lineId: lineOf('SKU-A'), quantity: 2, disposition: 'restock' }] },
      desk,
    );
    expect(got.status, JSON.stringify(got.json)).toBe(200);
    expect(got.json).toMatchObject({ status: 'received', receivedNodeId: 'ST-RET', refundTotal: 39.98 });
    expect(got.json.lines[0]).toMatchObject({
      quantity: 2,
      unitPrice: 19.99,
      refund: 39.98,
      received: [{ nodeId: 'ST-RET', quantity: 2, disposition: 'restock', refund: 39.98 }],
    });

    // Stock is back on hand at the receiving store (a return-restock movement), and sellable there.
    expect(await positionOf(t, 'ST-RET', 'SKU-A')).toEqual({ on_hand: 2, reserved: 0 });
    const moves = await t.database.db
      .selectFrom('inventory_movements')
      .select(['kind', 'on_hand_delta'])
      .where('node_id', '=', 'ST-RET')
      .execute();
    expect(moves).toEqual([{ kind: 'return-restock', on_hand_delta: 2 }]);
    const deadline = Date.now() + 5_000;
    while (t.services.availability.atp('SKU-A', 'ST-RET') === atpBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    // Store safety stock (the fixture's default) holds some back; ATP still rises by the units over it.
    const position = t.services.availability.position('SKU-A', 'ST-RET');
    expect(position).toMatchObject({ onHand: 2 });
    expect(t.services.availability.atp('SKU-A', 'ST-RET')).toBe(Math.max(0, 2 - position!.safety));
    expect(t.services.availability.atp('SKU-A', 'ST-RET')).toBeGreaterThan(atpBefore);

    const events = await orderEvents();
    const types = events.map((e) => e.type);
    expect(types.slice(-4)).toEqual([
      'return.authorised',
      'return.received',
      'refund.computed',
      'order.partially-returned',
    ]);
    const refund = events.find((e) => e.type === 'refund.computed');
    expect(refund?.payload).toMatchObject({
      returnId: id,
      currency: 'USD',
      total: 39.98,
      lines: [{ sku: 'SKU-A', quantity: 2, refund: 39.98 }],
    });
    // Per-aggregate sequence: the return's events follow the order's own.
    const seqs = events.map((e) => e.aggregateSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(types.indexOf('order.delivered')).toBeLessThan(types.indexOf('return.authorised'));

    const again = await receive(id, {
      nodeId: 'ST-RET',
      lines: [{ lineId: lineOf('SKU-A'), quantity: 1, disposition: 'restock' }],
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('return-already-received');
    const summary = (await t.call('GET', `/v1/orders/${order.id}/returns`)).json;
    expect(summary.status).toBe('partially-returned');
    // Some units back: the order itself is partially returned (an event says so).
    expect((await t.call('GET', `/v1/orders/${order.id}`)).json.status).toBe('partially-returned');
    expect((await orderEvents()).filter((e) => e.type === 'order.partially-returned')).toHaveLength(1);
    expect(summary.lines.find((l: { sku: string }) => l.sku === 'SKU-A')).toMatchObject({
      shipped: 3,
      returned: 2,
      returnable: 1,
      status: 'partially-returned',
    });
  });

  it('concurrent authorisations cannot over-return', async () => {
    const body = {
      method: 'mail',
      lines: [
        { lineId: lineOf('SKU-A'), quantity: 1 },
        { lineId: lineOf('SKU-B'), quantity: 1 },
      ],
    };
    const results = await Promise.all([authorise(body), authorise(body), authorise(body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = results.find((r) => r.status === 201)!.json;
    // By mail to the nearest warehouse that accepts returns.
    expect(winner).toMatchObject({ method: 'mail', nodeId: 'DC-PHL' });
  });

  it('damaged and refurbish units add no sellable stock; the last units back make the order returned', async () => {
    const open = (await t.call('GET', `/v1/orders/${order.id}/returns`)).json.returns.find(
      (r: { status: string }) => r.status === 'authorised',
    );
    const got = await receive(open.id, {
      nodeId: 'DC-PHL',
      lines: [
        { lineId: lineOf('SKU-A'), quantity: 1, disposition: 'damaged' },
        { lineId: lineOf('SKU-B'), quantity: 1, disposition: 'refurbish' },
      ],
    });
    expect(got.status, JSON.stringify(got.json)).toBe(200);
    expect(got.json.refundTotal).toBe(25.49);
    expect(await positionOf(t, 'DC-PHL', 'SKU-A')).toBeUndefined();
    expect(await positionOf(t, 'DC-PHL', 'SKU-B')).toBeUndefined();
    const summary = (await t.call('GET', `/v1/orders/${order.id}/returns`)).json;
    expect(summary.status).toBe('returned');
    expect((await t.call('GET', `/v1/orders/${order.id}`)).json.status).toBe('returned');
    expect((await orderEvents()).map((e) => e.type).slice(-3)).toEqual([
      'return.received',
      'refund.computed',
      'order.returned',
    ]);
    const more = await authorise({ method: 'mail', lines: [{ lineId: lineOf('SKU-B'), quantity: 1 }] });
    expect(more.json).toMatchObject({ code: 'return-quantity-exceeded', returnable: 0 });
  });

  it('reads: unknown return 404; viewers read, viewers and associates elsewhere cannot authorise', async () => {
    expect((await t.call('GET', '/v1/returns/00000000-0000-4000-8000-000000000000')).json.code).toBe(
      'return-not-found',
    );
    const viewer = bearer(await t.keyFor('viewer'));
    expect((await t.call('GET', `/v1/orders/${order.id}/returns`, undefined, viewer)).status).toBe(200);
    expect(
      (await authorise({ method: 'mail', lines: [{ lineId: lineOf('SKU-A'), quantity: 1 }] }, viewer)).status,
    ).toBe(403);
    const assoc = bearer(await t.keyFor('associate', ['ST-NYC']));
    const mail = await authorise(
      { method: 'mail', lines: [{ lineId: lineOf('SKU-A'), quantity: 1 }] },
      assoc,
    );
    expect(mail.json.code).toBe('node-forbidden');
  });
});
