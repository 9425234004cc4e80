import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { batcherFor, ReservationBatcher } from '../../src/inventory/reservation-batcher.ts';
import { reserve } from '../../src/inventory/reservation-service.ts';
import { reserveBatchStatement } from '../../src/inventory/reserve-batch-statement.ts';
import type { ReserveWrite } from '../../src/inventory/reserve-statement.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, positionOf, receive } from './inventory-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['B1', 'B2'], ['BX', 'BY', 'BZ', 'BW']);
  await receive(t, 'B1', 'BX', 3);
  await receive(t, 'B2', 'BX', 10);
  await receive(t, 'B1', 'BY', 50);
  await receive(t, 'B1', 'BZ', 20);
  await receive(t, 'B2', 'BW', 200);
});
afterAll(async () => {
  await t.close();
});

function write(owner: string, lines: { nodeId: string; sku: string; quantity: number }[]): ReserveWrite {
  const requestId = randomUUID();
  return {
    lines: lines.map((l, i) => ({ ...l, id: randomUUID(), line: i })),
    requestId,
    owner: { type: 'cart', id: owner },
    expiresAt: null,
    now: new Date(),
    reason: null,
    actor: 'test',
    correlationId: `cart:${owner}`,
    eventAggregateId: `cart:${owner}`,
    eventPayload: { requestId },
  };
}

async function seqsOf(aggregateId: string): Promise<number[]> {
  const { rows } = await sql<{ s: number }>`
    SELECT aggregate_seq AS s FROM events WHERE aggregate_id = ${aggregateId} ORDER BY aggregate_seq`.execute(
    t.database.db,
  );
  return rows.map((r) => r.s);
}

describe('reservation batches', () => {
  it('accepts the requests that fit in batch order; a request that fits only after a failed one is left out', async () => {
    const db = t.database.db;
    const accepted = await reserveBatchStatement(db, [
      write('b-1', [{ nodeId: 'B1', sku: 'BX', quantity: 5 }]), // 3 on hand: does not fit
      write('b-2', [{ nodeId: 'B1', sku: 'BX', quantity: 2 }]), // counted after b-1's 5: left out
      write('b-3', [
        { nodeId: 'B1', sku: 'BY', quantity: 4 },
        { nodeId: 'B2', sku: 'BX', quantity: 6 },
      ]),
      write('b-4', [{ nodeId: 'B2', sku: 'BX', quantity: 5 }]), // 6 + 5 > 10: does not fit
      write('b-5', [{ nodeId: 'B2', sku: 'NO-SUCH-SKU', quantity: 1 }]),
    ]);
    expect([...accepted].sort()).toEqual([2]);
    expect((await positionOf(db, 'B1', 'BX'))?.reserved).toBe(0);
    expect((await positionOf(db, 'B1', 'BY'))?.reserved).toBe(4);
    expect((await positionOf(db, 'B2', 'BX'))?.reserved).toBe(6);
    const { rows } = await sql<{ owner_id: string; n: number }>`
      SELECT owner_id, count(*)::int AS n FROM reservations WHERE owner_id LIKE 'b-%' GROUP BY owner_id`.execute(
      db,
    );
    expect(rows).toEqual([{ owner_id: 'b-3', n: 2 }]);
    expect(await seqsOf('cart:b-3')).toEqual([1]);
    expect(await seqsOf('cart:b-2')).toEqual([]);
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it('the batcher answers a left-out request alone, exactly as the single statement does', async () => {
    const db = t.database.db;
    const batcher = new ReservationBatcher(db, { maxBatch: 8, maxInFlight: 1 });
    const results = await Promise.all([
      batcher.reserve(write('q-0', [{ nodeId: 'B2', sku: 'BW', quantity: 1 }])), // written alone
      batcher.reserve(write('q-1', [{ nodeId: 'B1', sku: 'BX', quantity: 4 }])), // short (3)
      batcher.reserve(write('q-2', [{ nodeId: 'B1', sku: 'BX', quantity: 3 }])), // fits once q-1 is out
      batcher.reserve(write('q-3', [{ nodeId: 'B2', sku: 'BW', quantity: 2 }])),
    ]);
    const short = results.map((rows) => rows.filter((r) => r.part === 'c'));
    expect(short).toEqual([[], [{ part: 'c', node_id: 'B1', sku: 'BX', qty: 4, available: 3 }], [], []]);
    const { rows: q2 } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM reservations WHERE owner_id = 'q-2' AND status = 'open'`.execute(db);
    expect(q2[0]?.n).toBe(1);
    expect((await positionOf(db, 'B1', 'BX'))?.reserved).toBe(3);
    expect((await positionOf(db, 'B2', 'BW'))?.reserved).toBe(3);
    expect((await verifyLedger(db)).ok).toBe(true);
  });

  it('sequences the events of two requests of one owner in one batch, and raises low stock once', async () => {
    const db = t.database.db;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/inventory/B1/BZ',
      headers: bearer(t.adminKey),
      payload: { reorderPoint: 15 },
    });
    expect(patched.statusCode).toBe(200);
    const accepted = await reserveBatchStatement(db, [
      write('same', [{ nodeId: 'B1', sku: 'BZ', quantity: 3 }]),
      write('same', [{ nodeId: 'B1', sku: 'BZ', quantity: 4 }]),
    ]);
    expect(accepted.size).toBe(2);
    expect(await seqsOf('cart:same')).toEqual([1, 2]);
    const { rows } = await sql<{ payload: { atp: number }; correlation_id: string }>`
      SELECT payload, correlation_id FROM events
      WHERE type = 'inventory.low-stock' AND aggregate_id = 'B1/BZ'`.execute(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload.atp).toBe(13);
  });

  it('many concurrent buyers through the service: exactly the stock is reserved, answers are exact', async () => {
    const db = t.database.db;
    await createNodesAndItems(t, ['C1', 'C2', 'C3'], ['CS1', 'CS2']);
    for (const n of ['C1', 'C2', 'C3']) {
      await receive(t, n, 'CS1', 7);
      await receive(t, n, 'CS2', 5);
    }
    const before = await snapshotState(db);
    const stats0 = batcherFor(db).stats();
    const buyers = Array.from({ length: 120 }, (_, i) =>
      reserve(db, {
        owner: { type: 'order', id: `crowd-${i}` },
        lines: [
          { nodeId: `C${(i % 3) + 1}`, sku: 'CS1', quantity: 1 + (i % 2) },
          { nodeId: `C${((i + 1) % 3) + 1}`, sku: 'CS2', quantity: 1 },
        ],
      }),
    );
    const results = await Promise.all(buyers);
    const { rows } = await sql<{ sku: string; reserved: number; on_hand: number }>`
      SELECT sku, sum(reserved)::int AS reserved, sum(on_hand)::int AS on_hand FROM inventory_positions
      WHERE node_id LIKE 'C%' GROUP BY sku ORDER BY sku`.execute(db);
    // CS2 (15 units, one per buyer) runs out: exactly 15 buyers can win.
    expect(rows.find((r) => r.sku === 'CS2')?.reserved).toBe(15);
    for (const r of rows) expect(r.reserved).toBeLessThanOrEqual(r.on_hand);
    const won = results.filter((r) => r.ok).length;
    expect(won).toBe(15);
    for (const r of results) {
      if (r.ok) continue;
      expect(r.reason).toBe('insufficient-stock');
      expect(r.shortages.length).toBeGreaterThan(0);
    }
    const { rows: open } = await sql<{ n: number }>`
      SELECT count(DISTINCT owner_id)::int AS n FROM reservations WHERE owner_id LIKE 'crowd-%'`.execute(db);
    expect(open[0]?.n).toBe(15);
    const { rows: created } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM events WHERE type = 'reservation.created' AND aggregate_id LIKE 'order:crowd-%'`.execute(
      db,
    );
    expect(created[0]?.n).toBe(15);
    expect((await verifyLedger(db)).ok).toBe(true);
    expect(before).not.toEqual(await snapshotState(db));
    // The crowd really went through batch statements (and some requests alone).
    const stats = batcherFor(db).stats();
    expect(stats.batched - stats0.batched).toBeGreaterThan(1);
    expect(stats.batches - stats0.batches).toBeLessThan(stats.batched - stats0.batched);
  });
});
