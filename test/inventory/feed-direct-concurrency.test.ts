import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyFeedDirect } from '../../src/inventory/feed-direct.ts';
import type { FeedRow } from '../../src/inventory/feed-rows.ts';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, positionOf } from './inventory-fixtures.ts';

/**
 * Small feeds on the same position at the same time (till sales at one store) must serialize:
 * each sees the ones committed before it, so no unit, sequence or source id is lost or counted
 * twice, and the position's events are numbered without gaps.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['CC1'], ['CK1', 'CK2', 'CK3']);
});
afterAll(async () => {
  await t.close();
});

function row(sku: string, quantity: number, source: string, sourceId: string, sequence: number): FeedRow {
  return {
    kind: quantity > 0 ? 'receipt' : 'adjustment',
    nodeId: 'CC1',
    sku,
    quantity,
    source,
    sourceId,
    sequence,
    asOf: null,
    reason: null,
    correlationId: null,
  };
}

async function eventSeqs(aggregateId: string): Promise<number[]> {
  const { rows } = await sql<{ s: number }>`
    SELECT aggregate_seq AS s FROM events WHERE aggregate_id = ${aggregateId} ORDER BY 1`.execute(
    t.database.db,
  );
  return rows.map((r) => r.s);
}

it('concurrent sales of one position each take one unit, in some order, none lost', async () => {
  await applyFeedDirect(t.database.db, [row('CK1', 40, 'erp', 'stock-1', 1)]);
  const n = 24;
  const reports = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      applyFeedDirect(t.database.db, [row('CK1', -1, `till-${i}`, `sale-${i}`, 1)]),
    ),
  );
  expect(reports.every((r) => r.applied === 1 && r.positions === 1)).toBe(true);
  const p = await positionOf(t.database.db, 'CC1', 'CK1');
  expect(p?.on_hand).toBe(40 - n);
  expect(Number(p?.version)).toBe(2 + n); // created, stocked, then one bump per sale
  expect(await eventSeqs('CC1/CK1')).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
  expect((await verifyLedger(t.database.db)).ok).toBe(true);
});

it('concurrent rows of one source are applied in sequence order: a lower sequence after a higher one is stale', async () => {
  const n = 16;
  const reports = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      applyFeedDirect(t.database.db, [row('CK2', 1, 'scanner', `scan-${i}`, i + 1)]),
    ),
  );
  const applied = reports.filter((r) => r.applied === 1).length;
  expect(applied + reports.filter((r) => r.stale === 1).length).toBe(n);
  expect(applied).toBeGreaterThan(0);
  const p = await positionOf(t.database.db, 'CC1', 'CK2');
  expect(p?.on_hand).toBe(applied);
  const { rows } = await sql<{ last_sequence: string }>`
    SELECT last_sequence FROM inventory_feed_marks WHERE source = 'scanner' AND sku = 'CK2'`.execute(
    t.database.db,
  );
  expect(Number(rows[0]?.last_sequence)).toBe(n);
  // The applied sequences rise in ledger (commit) order.
  const { rows: ledger } = await sql<{ source_id: string }>`
    SELECT source_id FROM inventory_movements WHERE source = 'scanner' ORDER BY id`.execute(t.database.db);
  const seqs = ledger.map((r) => Number(r.source_id.slice(5)));
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect((await verifyLedger(t.database.db)).ok).toBe(true);
});

it('the same re-sent row from two clients at once is applied once; a new position is created once', async () => {
  const reports = await Promise.all(
    Array.from({ length: 8 }, () => applyFeedDirect(t.database.db, [row('CK3', 5, 'erp', 'po-77', 1)])),
  );
  expect(reports.filter((r) => r.applied === 1)).toHaveLength(1);
  expect(reports.filter((r) => r.duplicate === 1)).toHaveLength(7);
  expect((await positionOf(t.database.db, 'CC1', 'CK3'))?.on_hand).toBe(5);
  expect((await verifyLedger(t.database.db)).ok).toBe(true);
});
