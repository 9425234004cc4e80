import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, eventTypes, positionOf } from './inventory-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['F1', 'F2'], ['FS1', 'FS2', 'FS3']);
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload: unknown, key = t.adminKey, contentType?: string) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(key), ...(contentType ? { 'content-type': contentType } : {}) },
    payload: payload as string,
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('adjustments', () => {
  it('applies deltas, one inventory.adjusted per position, a re-sent update once, a stale sequence never', async () => {
    const rows = [
      { kind: 'receipt', nodeId: 'F1', sku: 'FS1', quantity: 10, source: 'erp', sourceId: 'a1', sequence: 1 },
      {
        nodeId: 'F1',
        sku: 'FS1',
        quantity: -2,
        reason: 'damage',
        source: 'erp',
        sourceId: 'a2',
        sequence: 2,
      },
      { kind: 'receipt', nodeId: 'F2', sku: 'FS1', quantity: 4, source: 'erp', sourceId: 'a3', sequence: 1 },
    ];
    const res = await post('/v1/inventory/adjustments', rows);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, applied: 3, positions: 2 });
    expect((await positionOf(t.database.db, 'F1', 'FS1'))?.on_hand).toBe(8);
    expect(await eventTypes(t.database.db, 'F1/FS1')).toEqual(['inventory.adjusted']);

    const again = await post('/v1/inventory/adjustments', rows);
    expect(again.json()).toMatchObject({ applied: 0, duplicate: 3 });
    const stale = await post('/v1/inventory/adjustments', {
      nodeId: 'F1',
      sku: 'FS1',
      quantity: -5,
      source: 'erp',
      sourceId: 'a0',
      sequence: 1,
    });
    expect(stale.json()).toMatchObject({
      applied: 0,
      stale: 1,
      skipped: [{ row: 0, status: 'stale', sourceId: 'a0' }],
    });
    expect((await positionOf(t.database.db, 'F1', 'FS1'))?.on_hand).toBe(8);
    expect(await eventTypes(t.database.db, 'F1/FS1')).toEqual(['inventory.adjusted']);
  });

  it('rejects a batch that would leave on hand negative, naming the row, and applies none of it', async () => {
    const before = await snapshotState(t.database.db);
    const res = await post('/v1/inventory/adjustments', [
      { kind: 'receipt', nodeId: 'F2', sku: 'FS2', quantity: 3, source: 'erp', sourceId: 'n1', sequence: 1 },
      { nodeId: 'F2', sku: 'FS3', quantity: -1, source: 'erp', sourceId: 'n2', sequence: 1 },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid-feed-row', pointer: '/rows/1/quantity' });
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('lets an associate adjust its own node only', async () => {
    const key = await t.keyFor('associate', ['F2']);
    const own = await post(
      '/v1/inventory/adjustments',
      {
        kind: 'receipt',
        nodeId: 'F2',
        sku: 'FS2',
        quantity: 1,
        source: 'store',
        sourceId: 's1',
        sequence: 1,
      },
      key,
    );
    expect(own.statusCode).toBe(200);
    const other = await post(
      '/v1/inventory/adjustments',
      {
        kind: 'receipt',
        nodeId: 'F1',
        sku: 'FS2',
        quantity: 1,
        source: 'store',
        sourceId: 's2',
        sequence: 2,
      },
      key,
    );
    expect(other.json().code).toBe('node-forbidden');
    expect((await post('/v1/inventory/feeds', [], key)).statusCode).toBe(403);
  });
});

describe('counts', () => {
  it('a count at T keeps reservations and movements made after T', async () => {
    const db = t.database.db;
    await post('/v1/inventory/adjustments', {
      kind: 'receipt',
      nodeId: 'F1',
      sku: 'FS2',
      quantity: 10,
      source: 'erp',
      sourceId: 'c-r1',
      sequence: 1,
    });
    await sleep(5);
    const countedAt = new Date().toISOString();
    await sleep(5);
    // After the count was taken: a reservation and a receipt of 5.
    const reserved = await post('/v1/reservations', {
      lines: [{ nodeId: 'F1', sku: 'FS2', quantity: 3 }],
      owner: { type: 'order', id: 'count-1' },
    });
    expect(reserved.statusCode).toBe(201);
    await post('/v1/inventory/adjustments', {
      kind: 'receipt',
      nodeId: 'F1',
      sku: 'FS2',
      quantity: 5,
      source: 'erp',
      sourceId: 'c-r2',
      sequence: 2,
    });
    // The shelf had 8 at T (2 missing): on hand = 8 + 5 received since; the 3 reserved stay.
    const count = await post('/v1/inventory/counts', {
      nodeId: 'F1',
      sku: 'FS2',
      quantity: 8,
      countedAt,
      source: 'cycle-count',
      sourceId: 'cc-1',
    });
    expect(count.json()).toMatchObject({ applied: 1, positions: 1 });
    expect(await positionOf(db, 'F1', 'FS2')).toMatchObject({ on_hand: 13, reserved: 3 });

    // An older count (or the same one again) never overwrites it.
    const older = await post('/v1/inventory/counts', {
      nodeId: 'F1',
      sku: 'FS2',
      quantity: 100,
      countedAt: new Date(Date.parse(countedAt) - 60_000).toISOString(),
      source: 'other',
      sourceId: 'cc-0',
    });
    expect(older.json()).toMatchObject({ applied: 0, stale: 1 });
    const resent = await post('/v1/inventory/counts', {
      nodeId: 'F1',
      sku: 'FS2',
      quantity: 8,
      countedAt,
      source: 'cycle-count',
      sourceId: 'cc-1',
    });
    expect(resent.json()).toMatchObject({ applied: 0, duplicate: 1 });
    expect(await positionOf(db, 'F1', 'FS2')).toMatchObject({ on_hand: 13, reserved: 3 });
    expect((await verifyLedger(db)).breaches).toEqual([]);
  });

  it('rejects a negative count naming the row and field', async () => {
    const res = await post('/v1/inventory/counts', [
      {
        nodeId: 'F1',
        sku: 'FS3',
        quantity: 1,
        countedAt: new Date().toISOString(),
        source: 's',
        sourceId: 'x1',
      },
      {
        nodeId: 'F1',
        sku: 'FS3',
        quantity: -1,
        countedAt: new Date().toISOString(),
        source: 's',
        sourceId: 'x2',
      },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid-feed-row', pointer: '/rows/1/quantity' });
  });
});

describe('bulk feeds', () => {
  it('imports CSV rows (deltas and counts) with one feed event', async () => {
    // Counted now: every earlier movement of F2/FS1 is before the count, so the count stands as is
    // (a count dated before a movement would keep that movement on top — tested above).
    const at = new Date().toISOString();
    const csv = [
      'kind,nodeId,sku,quantity,source,sourceId,sequence,asOf,reason',
      'receipt,F2,FS3,7,wms,w1,1,,',
      'adjustment,F2,FS3,-2,wms,w2,2,,"shrink, aisle 4"',
      `count,F2,FS1,9,wms,w3,,${at},`,
      'receipt,F2,FS3,1,wms,w1,1,,',
    ].join('\r\n');
    const res = await post('/v1/inventory/feeds', csv, t.adminKey, 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 4, applied: 3, duplicate: 1, positions: 2 });
    expect(await positionOf(t.database.db, 'F2', 'FS3')).toMatchObject({ on_hand: 5 });
    expect(await positionOf(t.database.db, 'F2', 'FS1')).toMatchObject({ on_hand: 9 });
    const feed = await t.database.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('aggregate_id', '=', res.json().feedId)
      .execute();
    expect(feed.map((e) => e.type)).toEqual(['inventory.feed-imported']);
    const movements = await t.app.inject({
      method: 'GET',
      url: '/v1/inventory/F2/FS3/movements?limit=1',
      headers: bearer(t.adminKey),
    });
    expect(movements.json().items[0]).toMatchObject({ kind: 'receipt', onHandDelta: 7, sourceId: 'w1' });
    const next = await t.app.inject({
      method: 'GET',
      url: `/v1/inventory/F2/FS3/movements?limit=5&cursor=${movements.json().nextCursor}`,
      headers: bearer(t.adminKey),
    });
    expect(next.json().items.map((m: { reason: string }) => m.reason)).toEqual(['shrink, aisle 4']);
  });

  it('rejects malformed CSV rows and unknown nodes and skus with row and field, applying nothing', async () => {
    const before = await snapshotState(t.database.db);
    const csv = [
      'kind,nodeId,sku,quantity,source,sourceId,sequence',
      'receipt,F1,FS1,5,wms,b1,1',
      'receipt,F1,FS1,five,wms,b2,2',
      'receipt,F1,FS1,5,wms',
      'count,F1,FS1,-3,wms,b4,4',
    ].join('\n');
    const res = await post('/v1/inventory/feeds', csv, t.adminKey, 'text/csv');
    expect(res.statusCode).toBe(422);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(['/rows/1/quantity', '/rows/2', '/rows/3/quantity', '/rows/3/asOf']);
    expect(res.json().errors[0].detail).toContain('line 3');

    const unknown = await post('/v1/inventory/feeds', [
      { kind: 'receipt', nodeId: 'F1', sku: 'FS1', quantity: 1, source: 'j', sourceId: 'u1', sequence: 1 },
      { kind: 'receipt', nodeId: 'NOPE', sku: 'FS1', quantity: 1, source: 'j', sourceId: 'u2', sequence: 1 },
      { kind: 'receipt', nodeId: 'F1', sku: 'NOPE', quantity: 1, source: 'j', sourceId: 'u3', sequence: 1 },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/rows/1/nodeId',
      '/rows/2/sku',
    ]);
    expect(await snapshotState(t.database.db)).toEqual(before);
  });
});

describe('safety stock, reorder points, incoming supply', () => {
  it('materialises kind, node and position safety stock and emits low-stock once per crossing', async () => {
    const headers = bearer(t.adminKey);
    await createNodesAndItems(t, ['SF1'], ['SFS']);
    await post('/v1/inventory/adjustments', {
      kind: 'receipt',
      nodeId: 'SF1',
      sku: 'SFS',
      quantity: 20,
      source: 'erp',
      sourceId: 'sf1',
      sequence: 1,
    });
    const kind = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory/safety-stock/kinds/store',
      headers,
      payload: { safetyStock: 2 },
    });
    expect(kind.json().positionsChanged).toBeGreaterThan(0);
    expect((await positionOf(t.database.db, 'SF1', 'SFS'))?.safety_stock).toBe(2);
    await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory/safety-stock/nodes/SF1',
      headers,
      payload: { safetyStock: 4 },
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/inventory/SF1/SFS',
      headers,
      payload: { reorderPoint: 10 },
    });
    expect(patched.json()).toMatchObject({ safetyStock: 4, atp: 16, reorderPoint: 10 });

    const reserveUnits = (quantity: number, id: string) =>
      post('/v1/reservations', {
        lines: [{ nodeId: 'SF1', sku: 'SFS', quantity }],
        owner: { type: 'order', id },
      });
    expect((await reserveUnits(6, 'ls1')).statusCode).toBe(201); // ATP 10: not below
    expect((await reserveUnits(1, 'ls2')).statusCode).toBe(201); // ATP 9: crossed
    expect((await reserveUnits(1, 'ls3')).statusCode).toBe(201); // ATP 8: still below
    expect(
      (await eventTypes(t.database.db, 'SF1/SFS')).filter((e) => e === 'inventory.low-stock'),
    ).toHaveLength(1);
    // The guard honours safety stock: 8 available, not 12.
    const short = await reserveUnits(9, 'ls4');
    expect(short.json()).toMatchObject({ ok: false, shortages: [{ requested: 9, available: 8 }] });

    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory/incoming/PO-1:1',
      headers,
      payload: { nodeId: 'SF1', sku: 'SFS', kind: 'purchase-order', quantity: 5, expectedOn: '2099-01-10' },
    });
    expect(put.statusCode).toBe(201);
    await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory/incoming/TR-7',
      headers,
      payload: { nodeId: 'SF1', sku: 'SFS', kind: 'transfer', quantity: 3, expectedOn: '2099-01-20' },
    });
    const detail = await t.app.inject({ method: 'GET', url: '/v1/inventory/SF1/SFS', headers });
    expect(detail.json()).toMatchObject({
      onHand: 20,
      reserved: 8,
      safetyStock: 4,
      atp: 8,
      atpByDate: [
        { date: '2099-01-10', atp: 13 },
        { date: '2099-01-20', atp: 16 },
      ],
    });
    const page = await t.app.inject({ method: 'GET', url: '/v1/inventory/positions?nodeId=SF1', headers });
    expect(page.json().items).toHaveLength(1);
  });
});
