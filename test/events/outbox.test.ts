import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/outbox.ts';
import { sequenceAll } from '../../src/events/sequencer.ts';
import { storeNode } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function eventCount(): Promise<number> {
  const row = await t.database.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('transactional outbox', () => {
  it('each state change writes exactly one event; a no-op and a rejected request write none', async () => {
    const headers = bearer(t.adminKey);
    const steps: [() => Promise<unknown>, number][] = [
      [() => t.app.inject({ method: 'PUT', url: '/v1/nodes/O1', headers, payload: storeNode() }), 1],
      [() => t.app.inject({ method: 'PUT', url: '/v1/nodes/O1', headers, payload: storeNode() }), 0],
      [
        () =>
          t.app.inject({
            method: 'PATCH',
            url: '/v1/nodes/O1',
            headers,
            payload: { status: 'paused', dailyCapacity: 5 },
          }),
        1,
      ],
      [
        () => t.app.inject({ method: 'PATCH', url: '/v1/nodes/O1', headers, payload: { status: 'bogus' } }),
        0,
      ],
      [
        () =>
          t.app.inject({ method: 'PUT', url: '/v1/items/E1', headers, payload: { name: 'e', weight: 1 } }),
        1,
      ],
      [() => t.app.inject({ method: 'DELETE', url: '/v1/items/E1', headers }), 1],
      [() => t.app.inject({ method: 'DELETE', url: '/v1/items/E1', headers }), 0],
    ];
    for (const [step, expected] of steps) {
      const before = await eventCount();
      await step();
      expect((await eventCount()) - before).toBe(expected);
    }
  });

  it('a transaction that fails after writing its event leaves no event behind', async () => {
    const before = await eventCount();
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await appendEvent(trx, {
          type: 'test.happened',
          aggregateType: 'test',
          aggregateId: 'x',
          payload: {},
        });
        await trx.updateTable('nodes').set({ name: 'renamed' }).where('id', '=', 'O1').execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await eventCount()).toBe(before);
    const node = await t.database.db
      .selectFrom('nodes')
      .select('name')
      .where('id', '=', 'O1')
      .executeTakeFirstOrThrow();
    expect(node.name).not.toBe('renamed');
  });

  it('numbers events per aggregate without gaps, even from concurrent transactions', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.database.db.transaction().execute((trx) =>
          appendEvent(trx, {
            type: 'test.tick',
            aggregateType: 'counter',
            aggregateId: 'c1',
            payload: { i },
          }),
        ),
      ),
    );
    const rows = await t.database.db
      .selectFrom('events')
      .select('aggregate_seq')
      .where('aggregate_id', '=', 'c1')
      .orderBy('aggregate_seq')
      .execute();
    expect(rows.map((r) => r.aggregate_seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('a reader polling by cursor never misses an event that commits late', async () => {
    const db = t.database.db;
    const headers = bearer(t.adminKey);
    let cursor = (await t.app.inject({ method: 'GET', url: '/v1/events?limit=1000', headers })).json()
      .nextCursor as string;
    // A slow transaction inserts first (smaller insertion order) but commits after a fast one.
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((r) => {
      releaseSlow = r;
    });
    let slowInserted!: () => void;
    const slowHasInserted = new Promise<void>((r) => {
      slowInserted = r;
    });
    const slow = db.transaction().execute(async (trx) => {
      await appendEvent(trx, { type: 'test.slow', aggregateType: 'test', aggregateId: 'slow', payload: {} });
      slowInserted();
      await slowMayCommit;
    });
    await slowHasInserted;
    await db
      .transaction()
      .execute((trx) =>
        appendEvent(trx, { type: 'test.fast', aggregateType: 'test', aggregateId: 'fast', payload: {} }),
      );

    const seen: string[] = [];
    const page1 = (await t.app.inject({ method: 'GET', url: `/v1/events?after=${cursor}`, headers })).json();
    seen.push(...page1.items.map((e: { type: string }) => e.type));
    cursor = page1.nextCursor;
    releaseSlow();
    await slow;
    const page2 = (await t.app.inject({ method: 'GET', url: `/v1/events?after=${cursor}`, headers })).json();
    seen.push(...page2.items.map((e: { type: string }) => e.type));
    expect(seen).toEqual(['test.fast', 'test.slow']);
  });

  it('positions are dense and increasing, and filters by type work', async () => {
    await sequenceAll(t.database.db);
    const { rows } = await sql<{ position: number }>`SELECT position FROM events ORDER BY position`.execute(
      t.database.db,
    );
    expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i + 1));
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/events?types=test.fast,test.slow',
      headers: bearer(t.adminKey),
    });
    expect(
      res
        .json()
        .items.map((e: { type: string }) => e.type)
        .sort(),
    ).toEqual(['test.fast', 'test.slow']);
  });
});
