import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireUnaccepted, withdrawFromUnavailableNodes } from '../../src/fulfilment/rerouting.ts';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import {
  CHICAGO,
  createOrdersApp,
  type Json,
  NEW_YORK,
  type OrdersApp,
  positionOf,
} from '../orders/order-fixtures.ts';
import { bearer } from '../support/test-app.ts';

let t: OrdersApp;
const deps = () => ({ db: t.services.db, routing: t.services.routing });
beforeAll(async () => {
  t = await createOrdersApp();
  // Enough everywhere that a re-route always has somewhere to go.
  await t.stock([
    ['ST-NYC', 'SKU-A', 20],
    ['DC-EAST', 'SKU-A', 20],
    ['ST-CHI', 'SKU-A', 20],
    ['DC-WEST', 'SKU-A', 20],
  ]);
});
afterAll(async () => {
  expect((await verifyLedger(t.database.db)).breaches).toEqual([]);
  await t?.close();
});

const fo = (o: Json, i = 0) =>
  o.fulfilmentOrders.filter((f: Json) => !['rejected', 'withdrawn', 'cancelled'].includes(f.status))[i];
const act = (id: string, step: string, body: unknown = {}, headers?: Record<string, string>) =>
  t.call('POST', `/v1/fulfilment-orders/${id}/${step}`, body, headers);

describe('node work and re-routing', () => {
  it('reject (out of stock) → re-routed without that node → shipped; stock corrected', async () => {
    const o = (await t.order({ destination: NEW_YORK, lines: [{ sku: 'SKU-A', quantity: 2, price: 10 }] }))
      .json;
    const first = fo(o);
    const node = first.nodeId;
    const before = await positionOf(t, node, 'SKU-A');
    const rejected = await act(first.id, 'reject', { reason: 'out-of-stock' });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    expect(rejected.json.fulfilmentOrder.status).toBe('rejected');
    expect(rejected.json.rerouted.allocatedUnits).toBe(2);
    // The node's reservation is released and its on hand corrected down by the missing units.
    expect(await positionOf(t, node, 'SKU-A')).toEqual({
      on_hand: before!.on_hand - 2,
      reserved: before!.reserved - 2,
    });
    const order = (await t.call('GET', `/v1/orders/${o.id}`)).json;
    expect(order.excludedNodes).toEqual([node]);
    const second = fo(order);
    expect(second.nodeId).not.toBe(node);
    for (const step of ['accept', 'pick', 'pack']) expect((await act(second.id, step)).status).toBe(200);
    const shipped = await act(second.id, 'ship', { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(shipped.json.orderStatus).toBe('shipped');
    const view = (await t.call('GET', `/v1/channels/web/orders/${o.externalId}`)).json;
    expect(fo(view)).toMatchObject({ status: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' });
    const delivered = await act(second.id, 'deliver');
    expect(delivered.json.orderStatus).toBe('delivered');
  });

  it('illegal transitions are 409 with the current state, and change nothing', async () => {
    const o = (await t.order({ destination: NEW_YORK })).json;
    const f = fo(o);
    const ship = await act(f.id, 'ship', { carrier: 'UPS', trackingNumber: 'X' });
    expect(ship.status).toBe(409);
    expect(ship.json).toMatchObject({ code: 'illegal-transition', currentState: 'released' });
    expect((await act(f.id, 'hand-over')).json.code).toBe('illegal-transition');
    expect((await act(f.id, 'accept')).status).toBe(200);
    const again = await act(f.id, 'accept');
    expect(again.json).toMatchObject({ code: 'illegal-transition', currentState: 'accepted' });
    // Two concurrent packs: exactly one wins.
    const both = await Promise.all([act(f.id, 'pack'), act(f.id, 'pack')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(
      (await t.call('POST', '/v1/fulfilment-orders/00000000-0000-4000-8000-000000000000/accept', {})).json
        .code,
    ).toBe('fulfilment-order-not-found');
  });

  it('associates act only on their own node; the queue lists its work', async () => {
    const o = (await t.order({ destination: CHICAGO })).json;
    const f = fo(o);
    expect(f.nodeId).toBe('ST-CHI');
    const mine = bearer(await t.keyFor('associate', ['ST-CHI']));
    const other = bearer(await t.keyFor('associate', ['ST-NYC']));
    const queue = await t.call('GET', '/v1/nodes/ST-CHI/fulfilment-orders', undefined, mine);
    expect(queue.json.items.map((x: Json) => x.id)).toContain(f.id);
    expect((await t.call('GET', '/v1/nodes/ST-CHI/fulfilment-orders', undefined, other)).json.code).toBe(
      'node-forbidden',
    );
    expect((await act(f.id, 'accept', {}, other)).json.code).toBe('node-forbidden');
    expect((await act(f.id, 'accept', {}, mine)).status).toBe(200);
  });

  it('short-pick: the missing units are routed elsewhere', async () => {
    const o = (await t.order({ destination: CHICAGO, lines: [{ sku: 'SKU-A', quantity: 3, price: 1 }] }))
      .json;
    const f = fo(o);
    await act(f.id, 'accept');
    const res = await act(f.id, 'short-pick', { lines: [{ sku: 'SKU-A', short: 1 }] });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.rerouted.allocatedUnits).toBe(1);
    const order = (await t.call('GET', `/v1/orders/${o.id}`)).json;
    expect(order.lines[0].quantities.released).toBe(3);
    expect(order.fulfilmentOrders).toHaveLength(2);
    expect(order.fulfilmentOrders[1].nodeId).not.toBe('ST-CHI');
  });

  it('SLA expiry: work not accepted in time is withdrawn and re-routed', async () => {
    const o = (await t.order({ destination: NEW_YORK })).json;
    const f = fo(o);
    expect(await expireUnaccepted(deps(), new Date())).toBe(0);
    const later = new Date(Date.parse(f.acceptBy) + 1000);
    expect(await expireUnaccepted(deps(), later)).toBeGreaterThanOrEqual(1);
    const order = (await t.call('GET', `/v1/orders/${o.id}`)).json;
    expect(order.fulfilmentOrders[0]).toMatchObject({ status: 'withdrawn', reason: 'sla-expired' });
    expect(fo(order).nodeId).not.toBe(f.nodeId);
    expect(order.decisions).toBeUndefined();
    const decisions = (await t.call('GET', `/v1/orders/${o.id}/decision`)).json.decisions;
    expect(decisions.map((d: Json) => d.trigger)).toEqual(['capture', 'sla-expired']);
  });

  it('a node going offline hands its queued work to other nodes', async () => {
    const a = (await t.order({ destination: CHICAGO })).json;
    const b = (await t.order({ destination: CHICAGO })).json;
    expect(fo(a).nodeId).toBe('ST-CHI');
    await act(fo(b).id, 'accept');
    await act(fo(b).id, 'pick');
    expect((await t.call('PATCH', '/v1/nodes/ST-CHI', { status: 'offline' })).status).toBe(200);
    expect(await withdrawFromUnavailableNodes(deps())).toBeGreaterThanOrEqual(2);
    for (const o of [a, b]) {
      const order = (await t.call('GET', `/v1/orders/${o.id}`)).json;
      expect(order.fulfilmentOrders[0]).toMatchObject({ status: 'withdrawn', reason: 'node offline' });
      expect(fo(order).nodeId).not.toBe('ST-CHI');
      expect(order.status).toBe('released');
    }
    expect(await withdrawFromUnavailableNodes(deps())).toBe(0);
    await t.call('PATCH', '/v1/nodes/ST-CHI', { status: 'online' });
  });
});

describe('cancel, change, holds', () => {
  it('cancel before release (on hold) and after release; not after shipping', async () => {
    const held = (await t.order({ destination: NEW_YORK, holds: ['fraud'] })).json;
    expect(held.status).toBe('routed');
    expect(fo(held).status).toBe('created');
    const node = fo(held).nodeId;
    const reservedBefore = (await positionOf(t, node, 'SKU-A'))!.reserved;
    const c1 = await t.call('POST', `/v1/orders/${held.id}/cancel`, { reason: 'customer' });
    expect(c1.json.status).toBe('cancelled');
    expect((await positionOf(t, node, 'SKU-A'))!.reserved).toBe(reservedBefore - 1);

    const released = (await t.order({ destination: NEW_YORK })).json;
    await act(fo(released).id, 'accept');
    const c2 = await t.call('POST', `/v1/orders/${released.id}/cancel`, {});
    expect(c2.json.status).toBe('cancelled');
    expect(c2.json.fulfilmentOrders[0].status).toBe('cancelled');
    const events = (await t.call('GET', `/v1/events?aggregateType=order&aggregateId=${released.id}`)).json
      .items;
    expect(events.map((e: Json) => e.type)).toContain('fulfilment-order.cancelled');
    const again = await t.call('POST', `/v1/orders/${released.id}/cancel`, {});
    expect(again.json).toMatchObject({ code: 'illegal-transition', currentState: 'cancelled' });
  });

  it('cancel some lines only', async () => {
    const o = (await t.order({ destination: NEW_YORK, lines: [{ sku: 'SKU-A', quantity: 4, price: 1 }] }))
      .json;
    const res = await t.call('POST', `/v1/orders/${o.id}/cancel`, {
      lines: [{ lineId: o.lines[0].id, quantity: 1 }],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.lines[0].quantities).toMatchObject({ cancelled: 1, released: 3 });
    expect(res.json.status).toBe('released');
  });

  it('hold: routed but not released until lifted; change address before release re-routes', async () => {
    const o = (await t.order({ destination: NEW_YORK, holds: ['payment'] })).json;
    expect(['ST-NYC', 'DC-EAST']).toContain(fo(o).nodeId);
    const changed = await t.call('PATCH', `/v1/orders/${o.id}`, { destination: { postalCode: '60601' } });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json.destination.label).toMatch(/60601/);
    expect(fo(changed.json).nodeId).toBe('ST-CHI');
    expect(fo(changed.json).status).toBe('created');
    const lifted = await t.call('DELETE', `/v1/orders/${o.id}/holds/payment`);
    expect(lifted.json.status).toBe('released');
    expect(fo(lifted.json).status).toBe('released');
    expect(fo(lifted.json).acceptBy).not.toBeNull();
    const late = await t.call('PATCH', `/v1/orders/${o.id}`, { destination: { postalCode: '10001' } });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: 'order-not-changeable', currentState: 'released' });
  });
});
