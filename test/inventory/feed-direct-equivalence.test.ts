import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyFeedDirect } from '../../src/inventory/feed-direct.ts';
import type { FeedRow } from '../../src/inventory/feed-rows.ts';
import { applyFeedStaged } from '../../src/inventory/feed-service.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { AppError } from '../../src/platform/errors/app-error.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems } from './inventory-fixtures.ts';

/**
 * The direct path (small batches, no staging table) must do exactly what the set path does:
 * random histories of small batches — deltas and counts, repeats of a position, stale sequences
 * and times, re-sent source ids, unknown items, changes that would leave on hand negative — run
 * through each path on its own database, and after every batch the answers (report or rejection),
 * the notifications, and the positions, ledger, marks, last counts and events must be the same.
 */
const NODES = ['EQ1', 'EQ2'];
const SKUS = ['EK1', 'EK2'];

interface Side {
  t: TestApp;
  listener: pg.Client;
  heard: string[];
}
let direct: Side;
let staged: Side;

async function side(): Promise<Side> {
  const t = await createTestApp();
  await createNodesAndItems(t, NODES, SKUS);
  // Positions created by a batch at EQ2 get a safety stock: ATP and low stock depend on it.
  await sql`INSERT INTO node_safety_stock (node_id, safety_stock) VALUES ('EQ2', 2)`.execute(t.database.db);
  const listener = new pg.Client({ connectionString: t.database.url });
  await listener.connect();
  const heard: string[] = [];
  listener.on('notification', (n) => heard.push(`${n.channel} ${n.payload}`));
  await listener.query('LISTEN ordergrid_inventory');
  await listener.query('LISTEN ordergrid_events');
  return { t, listener, heard };
}

beforeAll(async () => {
  [direct, staged] = await Promise.all([side(), side()]);
}, 60_000);
afterAll(async () => {
  for (const s of [direct, staged]) {
    await s?.listener.end();
    await s?.t.close();
  }
});

interface RowSpec {
  kind: FeedRow['kind'];
  pos: number;
  q: number;
  source: string;
  id: number;
  sequence: number | null;
  minutesAgo: number | null;
  reason: boolean;
  correlation: boolean;
  unknown: null | 'sku' | 'node';
}

const rowArb: fc.Arbitrary<RowSpec> = fc
  .record({
    kind: fc.constantFrom<FeedRow['kind']>(
      'receipt',
      'adjustment',
      'transfer-out',
      'count',
      'count',
      'return-restock',
    ),
    pos: fc.integer({ min: 0, max: 3 }),
    q: fc.integer({ min: 1, max: 12 }),
    source: fc.constantFrom('pos', 'erp'),
    id: fc.integer({ min: 0, max: 9 }),
    sequence: fc.option(fc.integer({ min: 0, max: 8 }), { freq: 2 }),
    minutesAgo: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 3 }),
    reason: fc.boolean(),
    correlation: fc.boolean(),
    unknown: fc.constantFrom<RowSpec['unknown']>(
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'sku',
      'node',
    ),
  })
  .map((r) => (r.sequence === null && r.minutesAgo === null ? { ...r, sequence: 1 } : r));

const batchArb = fc.array(rowArb, { minLength: 1, maxLength: 7 });
const historyArb = fc.record({
  stock: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 15 })), { minLength: 4, maxLength: 4 }),
  reorderPoint: fc.option(fc.integer({ min: 1, max: 12 })),
  batches: fc.array(batchArb, { minLength: 1, maxLength: 4 }),
});

function toRow(r: RowSpec, base: number): FeedRow {
  const quantity =
    r.kind === 'count'
      ? r.q - 1
      : r.kind === 'transfer-out'
        ? -r.q
        : r.kind === 'adjustment'
          ? (r.q % 2 ? -1 : 1) * Math.ceil(r.q / 2)
          : r.q;
  return {
    kind: r.kind,
    nodeId: r.unknown === 'node' ? 'NO-SUCH' : NODES[r.pos >> 1]!,
    sku: r.unknown === 'sku' ? 'NO-SUCH' : SKUS[r.pos & 1]!,
    quantity,
    source: r.source,
    sourceId: `s${r.id}`,
    sequence: r.kind === 'count' ? null : r.sequence,
    asOf: r.minutesAgo === null && r.kind !== 'count' ? null : new Date(base - (r.minutesAgo ?? 5) * 60_000),
    reason: r.reason ? 'because' : null,
    correlationId: r.correlation ? 'row-corr' : null,
  };
}

async function reset(db: Db, stock: number[], reorderPoint: number | null, base: number): Promise<void> {
  await sql`TRUNCATE inventory_positions, inventory_movements, inventory_feed_marks, inventory_last_counts,
    events, event_sequences CASCADE`.execute(db);
  // Stock received an hour ago through the set path on both sides, so counts have history to meet;
  // a position given no stock does not exist yet (the batches create it).
  const rows: FeedRow[] = stock.flatMap((q, i) =>
    q === 0
      ? []
      : [
          {
            kind: 'receipt',
            nodeId: NODES[i >> 1]!,
            sku: SKUS[i & 1]!,
            quantity: q,
            source: 'seed',
            sourceId: `seed-${i}`,
            sequence: null,
            asOf: new Date(base - 60 * 60_000),
            reason: null,
            correlationId: null,
          },
        ],
  );
  if (rows.length) await applyFeedStaged(db, rows, { correlationId: 'seed' });
  if (reorderPoint !== null)
    await sql`UPDATE inventory_positions SET reorder_point = ${reorderPoint}`.execute(db);
}

type Answer = { report: unknown } | { error: unknown };

async function run(s: Side, apply: typeof applyFeedDirect, rows: FeedRow[], k: number): Promise<Answer> {
  s.heard.length = 0;
  let answer: Answer;
  try {
    const { feedId: _id, ...report } = await apply(s.t.database.db, rows, {
      actor: 'eq',
      correlationId: `b${k}`,
    });
    answer = { report };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    answer = { error: { code: err.code, message: err.message, errors: err.errors } };
  }
  await s.listener.query('SELECT 1'); // notifications of the commit arrive before this answer
  return answer;
}

/** Everything a feed writes; ids, random event ids and times taken from the clock left out. */
async function state(db: Db, since: Date) {
  const q = async (text: string) => (await sql.raw(text).execute(db)).rows;
  return {
    positions: await q(`SELECT node_id, sku, on_hand, reserved, safety_stock, reorder_point, version
      FROM inventory_positions ORDER BY 1, 2`),
    ledger: (
      await sql<{
        occurred_at: Date;
      }>`SELECT node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor, source,
        source_id, correlation_id, occurred_at FROM inventory_movements ORDER BY id`.execute(db)
    ).rows.map((r) => ({ ...r, occurred_at: r.occurred_at >= since ? 'now' : r.occurred_at.toISOString() })),
    marks: await q(`SELECT * FROM inventory_feed_marks ORDER BY 1, 2, 3`),
    lastCounts: await q(`SELECT * FROM inventory_last_counts ORDER BY 1, 2`),
    sequences: await q(`SELECT * FROM event_sequences ORDER BY 1, 2`),
    events: await q(`SELECT type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id
      FROM events ORDER BY seq`),
  };
}

it('the direct path gives the set path’s answers, notifications and state, batch after batch', async () => {
  let verdicts = 0;
  await fc.assert(
    fc.asyncProperty(historyArb, async (h) => {
      const base = Date.now() - 60_000;
      const since = new Date(Date.now() - 1_000);
      for (const s of [direct, staged]) {
        await reset(s.t.database.db, h.stock, h.reorderPoint, base);
        await s.listener.query('SELECT 1'); // the reset's own notifications, heard before the batches
      }
      for (let k = 0; k < h.batches.length; k++) {
        const rows = h.batches[k]!.map((r) => toRow(r, base));
        const a = await run(direct, applyFeedDirect, rows, k);
        const b = await run(staged, applyFeedStaged, rows, k);
        expect(a).toEqual(b);
        expect([...direct.heard].sort()).toEqual([...staged.heard].sort());
        if ('report' in a) verdicts++;
      }
      expect(await state(direct.t.database.db, since)).toEqual(await state(staged.t.database.db, since));
    }),
    { numRuns: 40 },
  );
  // The histories must mostly get through (not all be rejected) for the comparison to mean much.
  expect(verdicts).toBeGreaterThan(20);
}, 120_000);
