import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FeedRow } from '../../src/inventory/feed-rows.ts';
import { applyFeed } from '../../src/inventory/feed-service.ts';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import {
  consumeReservation,
  reassignReservation,
  releaseReservation,
} from '../../src/inventory/reservation-changes.ts';
import { reserve } from '../../src/inventory/reservation-service.ts';
import { setNodeSafetyStock } from '../../src/inventory/safety-stock-service.ts';
import { AppError } from '../../src/platform/errors/app-error.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems } from './inventory-fixtures.ts';

/**
 * Random sequences of feeds (receipts, adjustments, counts at past times), reservations, releases,
 * shipments and re-assignments against a plain model; after every step the database must equal
 * the model and the ledger invariants must hold.
 */
const NODES = ['PN1', 'PN2'] as const;
const SAFETY: Record<string, number> = { PN1: 0, PN2: 1 };

type Op =
  | { op: 'receive'; pos: number; q: number }
  | { op: 'adjust'; pos: number; q: number }
  | { op: 'count'; pos: number; counted: number; back: number }
  | { op: 'reserve'; lines: { pos: number; q: number }[] }
  | { op: 'release'; pick: number; q: number }
  | { op: 'consume'; pick: number; q: number }
  | { op: 'reassign'; pick: number };

const pos = fc.integer({ min: 0, max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('receive' as const), pos, q: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    op: fc.constant('adjust' as const),
    pos,
    q: fc.integer({ min: -5, max: 5 }).filter((q) => q !== 0),
  }),
  fc.record({
    op: fc.constant('count' as const),
    pos,
    counted: fc.integer({ min: 0, max: 8 }),
    back: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    op: fc.constant('reserve' as const),
    lines: fc.array(fc.record({ pos, q: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('release' as const), pick: fc.nat(), q: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('consume' as const), pick: fc.nat(), q: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('reassign' as const), pick: fc.nat() }),
);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, [...NODES], []);
  await setNodeSafetyStock(t.database.db, 'PN2', 1, 'test');
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let run = 0;
let seq = 0;

it('keeps the invariants after every step of random operation sequences', async () => {
  const db = t.database.db;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 22 }), async (ops) => {
      run++;
      const skus = [`P${run}-A`, `P${run}-B`];
      for (const sku of skus) {
        await sql`INSERT INTO items (sku, name, weight_lb, size_class) VALUES (${sku}, 'p', 1, 'small')`.execute(
          db,
        );
      }
      const positions = [0, 1, 2, 3].map((i) => ({ nodeId: NODES[i % 2]!, sku: skus[i >> 1]! }));
      const model = positions.map(() => ({
        onHand: 0,
        reserved: 0,
        // On-hand movements by the step boundary they happened after (count corrections at their T).
        moves: [] as { at: number; delta: number }[],
        lastCount: -1,
      }));
      const open: { id: string; pos: number; q: number }[] = [];
      const boundaries: Date[] = [];
      const row = (p: number, kind: FeedRow['kind'], quantity: number, asOf: Date | null): FeedRow => ({
        kind,
        nodeId: positions[p]!.nodeId,
        sku: positions[p]!.sku,
        quantity,
        source: 'prop',
        sourceId: `s${++seq}`,
        sequence: asOf ? null : seq,
        asOf,
        reason: null,
        correlationId: null,
      });
      const atp = (p: number) => model[p]!.onHand - model[p]!.reserved - SAFETY[positions[p]!.nodeId]!;

      for (const [step, op] of ops.entries()) {
        await sleep(2);
        boundaries.push(new Date());
        await sleep(2);
        switch (op.op) {
          case 'receive':
          case 'adjust': {
            const m = model[op.pos]!;
            const ok = m.onHand + op.q >= 0;
            const promise = applyFeed(db, [
              row(op.pos, op.op === 'receive' ? 'receipt' : 'adjustment', op.q, null),
            ]);
            if (ok) {
              await promise;
              m.onHand += op.q;
              m.moves.push({ at: step, delta: op.q });
            } else await expect(promise).rejects.toMatchObject({ code: 'invalid-feed-row' });
            break;
          }
          case 'count': {
            const m = model[op.pos]!;
            const at = Math.max(0, step - op.back);
            const T = boundaries[at]!;
            const result = applyFeed(db, [row(op.pos, 'count', op.counted, T)]);
            if (at <= m.lastCount) {
              expect((await result).stale).toBe(1);
              break;
            }
            const asOfT = m.moves
              .filter((mv) => mv.at < at || (mv.at === at && mv.delta === 0))
              .reduce((s, mv) => s + mv.delta, 0);
            const correction = op.counted - asOfT;
            if (m.onHand + correction < 0) {
              await expect(result).rejects.toMatchObject({ code: 'invalid-feed-row' });
              break;
            }
            expect((await result).applied).toBe(1);
            m.onHand += correction;
            m.lastCount = at;
            // A correction is dated T itself: it counts as before any later boundary.
            if (correction !== 0) m.moves.push({ at: at - 0.5, delta: correction });
            break;
          }
          case 'reserve': {
            const need = new Map<number, number>();
            for (const l of op.lines) need.set(l.pos, (need.get(l.pos) ?? 0) + l.q);
            const fits = [...need].every(([p, q]) => atp(p) >= q);
            const result = await reserve(db, {
              lines: op.lines.map((l) => ({
                nodeId: positions[l.pos]!.nodeId,
                sku: positions[l.pos]!.sku,
                quantity: l.q,
              })),
              owner: { type: 'order', id: `p${run}-${step}` },
            });
            expect(result.ok).toBe(fits);
            if (result.ok) {
              for (const [i, r] of result.reservations.entries()) {
                const l = op.lines[i]!;
                model[l.pos]!.reserved += l.q;
                open.push({ id: r.id, pos: l.pos, q: l.q });
              }
            } else {
              for (const s of result.shortages)
                expect(s.available).toBe(Math.max(0, atp(op.lines[s.line]!.pos)));
            }
            break;
          }
          case 'release':
          case 'consume': {
            const r = open[op.pick % Math.max(1, open.length)];
            if (!r) break;
            const q = op.q === 0 ? r.q : Math.min(op.q, r.q);
            const m = model[r.pos]!;
            if (op.op === 'consume' && m.onHand < q) {
              await expect(consumeReservation(db, r.id, { quantity: q })).rejects.toBeInstanceOf(AppError);
              break;
            }
            if (op.op === 'release') await releaseReservation(db, r.id, { quantity: q });
            else {
              await consumeReservation(db, r.id, { quantity: q });
              m.onHand -= q;
              m.moves.push({ at: step, delta: -q });
            }
            m.reserved -= q;
            r.q -= q;
            if (r.q === 0) open.splice(open.indexOf(r), 1);
            break;
          }
          case 'reassign': {
            const r = open[op.pick % Math.max(1, open.length)];
            if (!r) break;
            const to = r.pos ^ 1; // same sku, the other node
            const result = await reassignReservation(db, r.id, { nodeId: positions[to]!.nodeId });
            expect(result.ok).toBe(atp(to) >= r.q);
            if (result.ok) {
              model[r.pos]!.reserved -= r.q;
              model[to]!.reserved += r.q;
              r.pos = to;
            }
            break;
          }
        }
        const rows = await db
          .selectFrom('inventory_positions')
          .select(['node_id', 'sku', 'on_hand', 'reserved'])
          .where('sku', 'in', skus)
          .execute();
        for (const [i, p] of positions.entries()) {
          const found = rows.find((r) => r.node_id === p.nodeId && r.sku === p.sku);
          expect([found?.on_hand ?? 0, found?.reserved ?? 0], `step ${step} ${op.op} position ${i}`).toEqual([
            model[i]!.onHand,
            model[i]!.reserved,
          ]);
        }
        const report = await verifyLedger(db);
        expect(report.breaches).toEqual([]);
      }
    }),
    { numRuns: 15 },
  );
}, 240_000);
