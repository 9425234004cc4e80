import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { storeNode } from '../support/fixtures.ts';
import { createOrdersApp, type Json, NEW_YORK, type OrdersApp, positionOf } from './order-fixtures.ts';

let t: OrdersApp;
beforeAll(async () => {
  t = await createOrdersApp();
  // The cheapest node for New York, with room for one package a day.
  const res = await t.call(
    'PUT',
    '/v1/nodes/DC-NYC',
    storeNode({
      kind: 'warehouse',
      lat: NEW_YORK.lat,
      lon: NEW_YORK.lon,
      timezone: 'America/New_York',
      capabilities: ['ship'],
      handlingCost: 1,
      dailyCapacity: 1,
      cutoffTime: '23:59',
      tags: [],
      priorityGroup: null,
    }),
  );
  expect(res.status, JSON.stringify(res.json)).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

/** Orders one unit of `sku`: the first decision failed in the statement, the second went to `node`. */
async function expectRoutedAgain(sku: string, node: string): Promise<string> {
  const res = await t.order({ lines: [{ sku, quantity: 1, price: 10 }] });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  expect(res.json.fulfilmentOrders.map((f: Json) => f.nodeId)).toEqual([node]);
  const d = await t.call('GET', `/v1/orders/${res.json.id}/decision`);
  expect(d.json.decisions[0].explanation.attempts).toBe(2);
  expect((await reservationsOf(res.json.id)).map((r) => r.node_id)).toEqual([node]);
  return res.json.id;
}

async function reservationsOf(orderId: string) {
  return t.database.db.selectFrom('reservations').selectAll().where('owner_id', '=', orderId).execute();
}

describe('capture in one statement', () => {
  it('writes the order, its reservations, capacity, ledger and numbered events together', async () => {
    await t.stock([['DC-NYC', 'SKU-A', 5]]);
    const res = await t.order({ lines: [{ sku: 'SKU-A', quantity: 2, price: 10 }] });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id = res.json.id;
    expect(res.json.fulfilmentOrders.map((f: Json) => f.nodeId)).toEqual(['DC-NYC']);
    expect(await positionOf(t, 'DC-NYC', 'SKU-A')).toEqual({ on_hand: 5, reserved: 2 });
    const reservations = await reservationsOf(id);
    expect(reservations.map((r) => r.quantity)).toEqual([2]);
    const fol = await t.database.db.selectFrom('fulfilment_order_lines').selectAll().execute();
    expect(fol.find((l) => l.reservation_id === reservations[0]!.id)).toBeDefined();
    const used = await t.database.db.selectFrom('node_capacity_usage').selectAll().execute();
    expect(used.map((u) => [u.node_id, u.packages])).toEqual([['DC-NYC', 1]]);
    const events = await t.database.db
      .selectFrom('events')
      .select(['type', 'aggregate_type', 'aggregate_id', 'aggregate_seq'])
      .where('aggregate_id', 'in', [id, `order:${id}`])
      .orderBy('aggregate_seq')
      .execute();
    expect(events.filter((e) => e.aggregate_type === 'order').map((e) => e.aggregate_seq)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(events.filter((e) => e.aggregate_type === 'reservation').map((e) => e.type)).toEqual([
      'reservation.created',
    ]);
    expect((await verifyLedger(t.database.db)).breaches).toEqual([]);
  });

  it('capacity taken since the decision: writes nothing, refreshes capacity and routes again', async () => {
    // DC-NYC is full (the order above), but this process is told it is not: its figures are stale.
    t.services.routing.options.maxAgeMs = 60_000;
    t.services.routing.noteCapacity('DC-NYC', (await capacityDays())[0]!, -1);
    await t.stock([['DC-EAST', 'SKU-A', 5]]);
    await expectRoutedAgain('SKU-A', 'DC-EAST');
    expect(await positionOf(t, 'DC-NYC', 'SKU-A')).toEqual({ on_hand: 5, reserved: 2 });
    const used = await t.database.db.selectFrom('node_capacity_usage').select('packages').execute();
    expect(used.map((u) => u.packages)).toEqual([1]);
    t.services.routing.options.maxAgeMs = 0;
  });

  it('stock moved since the decision: writes nothing, reads the positions and routes again', async () => {
    await t.stock([['DC-WEST', 'SKU-C', 5]]);
    await t.stock([['DC-EAST', 'SKU-C', 5]]);
    await waitForIndex('DC-EAST', 'SKU-C', 5);
    // Stock leaves DC-EAST behind the index's back (no notification): its figure is stale.
    await t.database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql`UPDATE inventory_positions SET on_hand = 0 WHERE node_id = 'DC-EAST' AND sku = 'SKU-C'`.execute(
        trx,
      );
    });
    const id = await expectRoutedAgain('SKU-C', 'DC-WEST');
    expect(await positionOf(t, 'DC-EAST', 'SKU-C')).toEqual({ on_hand: 0, reserved: 0 });
    const orderEvents = await t.database.db
      .selectFrom('events')
      .select('aggregate_seq')
      .where('aggregate_type', '=', 'order')
      .where('aggregate_id', '=', id)
      .execute();
    expect(orderEvents.map((e) => e.aggregate_seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });
});

async function capacityDays(): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('node_capacity_usage')
    .select(sql<string>`day::text`.as('d'))
    .execute();
  return rows.map((r) => r.d);
}

async function waitForIndex(nodeId: string, sku: string, atp: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (t.services.availability.atp(sku, nodeId) === atp) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`index never showed ${nodeId}/${sku} at ${atp}`);
}
