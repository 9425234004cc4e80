import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, eventTypes, positionOf, receive } from './inventory-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['KC1', 'KC2'], ['KCS1', 'KCS2'], 'store');
  const headers = bearer(t.adminKey);
  for (const [kind, safetyStock] of [
    ['store', 2],
    ['warehouse', 7],
  ] as const) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/inventory/safety-stock/kinds/${kind}`,
      headers,
      payload: { safetyStock },
    });
    expect(res.statusCode).toBe(200);
  }
  for (const node of ['KC1', 'KC2']) for (const sku of ['KCS1', 'KCS2']) await receive(t, node, sku, 20);
});
afterAll(async () => {
  await t.close();
});

const patchKind = (id: string, kind: string) =>
  t.app.inject({ method: 'PATCH', url: `/v1/nodes/${id}`, headers: bearer(t.adminKey), payload: { kind } });

describe('safety stock follows a node kind change', () => {
  it("recomputes the node's positions to the new kind's default, with one event, and leaves other nodes alone", async () => {
    expect((await positionOf(t.database.db, 'KC1', 'KCS1'))?.safety_stock).toBe(2);
    const res = await patchKind('KC1', 'warehouse');
    expect(res.statusCode).toBe(200);
    for (const sku of ['KCS1', 'KCS2'])
      expect((await positionOf(t.database.db, 'KC1', sku))?.safety_stock).toBe(7);
    expect((await positionOf(t.database.db, 'KC2', 'KCS1'))?.safety_stock).toBe(2);
    expect(await eventTypes(t.database.db, 'node:KC1')).toEqual(['inventory.safety-stock-changed']);
    // The reservation guard reads the new value: 20 on hand - 7 safety = 13 promisable.
    const short = await t.app.inject({
      method: 'POST',
      url: '/v1/reservations',
      headers: bearer(t.adminKey),
      payload: {
        lines: [{ nodeId: 'KC1', sku: 'KCS1', quantity: 14 }],
        owner: { type: 'order', id: 'kc-1' },
      },
    });
    expect(short.json()).toMatchObject({ ok: false, shortages: [{ available: 13 }] });
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('keeps a node or position override over the new default', async () => {
    const headers = bearer(t.adminKey);
    await t.app.inject({
      method: 'PATCH',
      url: '/v1/inventory/KC2/KCS2',
      headers,
      payload: { safetyOverride: 1 },
    });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory/safety-stock/nodes/KC2',
      headers,
      payload: { safetyStock: 3 },
    });
    expect((await patchKind('KC2', 'warehouse')).statusCode).toBe(200);
    expect((await positionOf(t.database.db, 'KC2', 'KCS1'))?.safety_stock).toBe(3);
    expect((await positionOf(t.database.db, 'KC2', 'KCS2'))?.safety_stock).toBe(1);
    // Nothing changed, so no safety-stock event for the kind change (only the node override's own).
    expect(await eventTypes(t.database.db, 'node:KC2')).toEqual(['inventory.safety-stock-changed']);
  });
});
