import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFeed } from '../../src/inventory/feed-order.ts';
import type { FeedRow } from '../../src/inventory/feed-rows.ts';
import { applyFeed } from '../../src/inventory/feed-service.ts';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, positionOf } from './inventory-fixtures.ts';

/**
 * A batch is applied with one write per position whatever it mixes: these check that the result
 * is still "deltas first, then each count against the ledger as of its time", both for batches
 * naming each position once (staged in key order, no repeat aggregates) and for batches that
 * repeat positions.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['B1', 'B2'], ['BK1', 'BK2', 'BK3']);
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
function row(nodeId: string, sku: string, kind: FeedRow['kind'], quantity: number, asOf?: Date): FeedRow {
  seq++;
  return {
    kind,
    nodeId,
    sku,
    quantity,
    source: 'shape',
    sourceId: `s${seq}`,
    sequence: asOf ? null : seq,
    asOf: asOf ?? null,
    reason: null,
    correlationId: null,
  };
}
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function onHand(nodeId: string, sku: string): Promise<number | undefined> {
  return (await positionOf(t.database.db, nodeId, sku))?.on_hand;
}

describe('orderFeed', () => {
  it('orders rows by node, sku and row, and sees a repeated position', () => {
    const rows = [
      row('B2', 'BK1', 'receipt', 1),
      row('B1', 'BK2', 'receipt', 1),
      row('B1', 'BK10', 'receipt', 1),
    ];
    const once = orderFeed(rows);
    expect([...once.order]).toEqual([2, 1, 0]);
    expect(once.positionRepeats).toBe(false);
    const twice = orderFeed([...rows, row('B1', 'BK2', 'adjustment', -1)]);
    expect([...twice.order]).toEqual([2, 1, 3, 0]);
    expect(twice.positionRepeats).toBe(true);
  });
});

describe('one write per position', () => {
  it('a batch repeating a position: deltas, then the count against the ledger as of its time', async () => {
    await applyFeed(t.database.db, [row('B1', 'BK1', 'receipt', 10, minutesAgo(30))]);
    const report = await applyFeed(t.database.db, [
      row('B1', 'BK1', 'receipt', 5, minutesAgo(5)),
      row('B1', 'BK1', 'count', 7, minutesAgo(10)),
      row('B1', 'BK1', 'adjustment', -2, minutesAgo(4)),
    ]);
    // Deltas first: 10 + 5 - 2 = 13; the count at T-10 saw 7, and +5 and -2 came after it.
    expect(report).toMatchObject({ applied: 3, positions: 1 });
    expect(await onHand('B1', 'BK1')).toBe(10);
    const { rows } = await sql<{ kind: string; d: number }>`
      SELECT kind, on_hand_delta AS d FROM inventory_movements WHERE node_id = 'B1' AND sku = 'BK1'
      ORDER BY id`.execute(t.database.db);
    expect(rows.map((r) => `${r.kind} ${r.d}`)).toEqual([
      'receipt 10',
      'receipt 5',
      'adjustment -2',
      'count-correction -3',
    ]);
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('a batch naming each position once, mixing deltas and counts across positions', async () => {
    await applyFeed(t.database.db, [
      row('B2', 'BK1', 'receipt', 4, minutesAgo(30)),
      row('B2', 'BK2', 'receipt', 6, minutesAgo(30)),
    ]);
    // B2/BK2 moves after the count below is taken: the count must keep that movement.
    await applyFeed(t.database.db, [row('B2', 'BK2', 'adjustment', -1, minutesAgo(2))]);
    const report = await applyFeed(t.database.db, [
      row('B2', 'BK2', 'count', 9, minutesAgo(8)),
      row('B2', 'BK1', 'receipt', 3),
      row('B2', 'BK3', 'count', 2, minutesAgo(1)),
      row('B1', 'BK2', 'count', 0, minutesAgo(1)),
    ]);
    expect(report).toMatchObject({ applied: 4, positions: 3 });
    expect(await onHand('B2', 'BK1')).toBe(7);
    expect(await onHand('B2', 'BK2')).toBe(8);
    expect(await onHand('B2', 'BK3')).toBe(2);
    expect(await onHand('B1', 'BK2')).toBe(0);
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('rejects a batch whose deltas would take a position below zero even if its count would not', async () => {
    await applyFeed(t.database.db, [row('B1', 'BK3', 'receipt', 2, minutesAgo(30))]);
    const attempt = applyFeed(t.database.db, [
      row('B1', 'BK3', 'adjustment', -5, minutesAgo(3)),
      row('B1', 'BK3', 'count', 9, minutesAgo(1)),
    ]);
    await expect(attempt).rejects.toMatchObject({ code: 'invalid-feed-row' });
    expect(await onHand('B1', 'BK3')).toBe(2);
  });
});
