import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FEED_CHANGED_EVENT,
  refreshAllChannelAvailability,
  refreshChannelAvailability,
} from '../../src/channels/availability-feed-refresh.ts';
import { runFeedLoop } from '../../src/channels/availability-feed-sync.ts';
import { sequenceAll } from '../../src/events/sequencer.ts';
import { insertNetwork, NODES, setStock } from '../availability/availability-fixtures.ts';
import { item } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
const SKUS = ['TEE-1', 'MUG-1', 'LAMP-1', 'CAP-1', 'BAG-1', 'SOCK-1', 'BELT-1'];

beforeAll(async () => {
  t = await createTestApp();
  await insertNetwork(t.database.db);
  for (const sku of SKUS.slice(3)) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/items/${sku}`,
      headers: bearer(t.adminKey),
      payload: item(),
    });
    expect(res.statusCode).toBe(201);
  }
  await t.services.availability.start(t.database.url);
});
afterAll(async () => {
  await t.services.availability.stop();
  await t.close();
});
beforeEach(async () => {
  // Each test starts from no stock, the default channels, every node online and a caught-up feed.
  await sql`UPDATE inventory_positions SET on_hand = 0, reserved = 0, safety_stock = 0, version = version + 1`.execute(
    t.database.db,
  );
  await t.database.db.updateTable('nodes').set({ status: 'online' }).execute();
  for (const id of ['web', 'app', 'store', 'call-centre'])
    await patchChannel(id, { buffer: { units: 0, percent: 0 }, cap: null, allowedNodes: {}, active: true });
  await patchChannel('marketplace:amazon', {
    buffer: { units: 2, percent: 0 },
    cap: 50,
    allowedNodes: { kinds: ['warehouse', '3pl'] },
    active: true,
  });
  await refreshAllChannelAvailability(t.database.db);
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(t.adminKey) });

async function patchChannel(id: string, payload: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/v1/channels/${id}`,
    headers: bearer(t.adminKey),
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function feedEvents(
  after: number,
): Promise<{ aggregateId: string; payload: Record<string, unknown>; position: number }[]> {
  const res = await get(`/v1/events?after=${after}&types=${FEED_CHANGED_EVENT}&limit=1000`);
  return res.json().items;
}

async function lastPosition(): Promise<number> {
  await sequenceAll(t.database.db);
  const row = await t.database.db
    .selectFrom('events')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** The whole feed of a channel, read page by page. */
async function readAll(
  channel: string,
  limit = 3,
): Promise<{ items: { sku: string; quantity: number }[]; changesCursor: string }> {
  const items: { sku: string; quantity: number }[] = [];
  let cursor: string | null = null;
  let changesCursor = '';
  do {
    const res = await get(
      `/v1/channels/${channel}/availability?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    changesCursor ||= page.changesCursor;
  } while (cursor);
  return { items, changesCursor };
}

async function changes(channel: string, cursor: string, limit = 2) {
  const items: { sku: string; quantity: number; previous: number }[] = [];
  let next = cursor;
  for (;;) {
    const res = await get(`/v1/channels/${channel}/availability/changes?limit=${limit}&cursor=${next}`);
    expect(res.statusCode, res.body).toBe(200);
    items.push(...res.json().items);
    next = res.json().nextCursor;
    if (!res.json().hasMore) return { items, next };
  }
}

/** What GET /v1/availability answers now, after the index has caught up. */
async function liveAtp(
  channel: string,
  skus: readonly string[],
  reload = true,
): Promise<Map<string, number>> {
  if (reload) await t.services.availability.reload();
  const res = await get(`/v1/availability?channel=${channel}&skus=${skus.join(',')}`);
  expect(res.statusCode, res.body).toBe(200);
  return new Map(res.json().items.map((i: { sku: string; networkAtp: number }) => [i.sku, i.networkAtp]));
}

describe('channel availability feed', () => {
  it('reads full (sku order, paged) and then only what changed, including drops to 0', async () => {
    for (const [i, sku] of SKUS.entries()) await setStock(t.database.db, 'DC-CHI', sku, 10 + i);
    await refreshChannelAvailability(t.database.db, SKUS);
    const full = await readAll('web');
    expect(full.items.map((i) => i.sku)).toEqual([...SKUS].sort());
    expect(full.items.find((i) => i.sku === 'TEE-1')?.quantity).toBe(10);

    // Nothing changed: an empty page returns the same cursor.
    const none = await changes('web', full.changesCursor);
    expect(none.items).toEqual([]);
    expect(none.next).toBe(full.changesCursor);

    await setStock(t.database.db, 'DC-CHI', 'MUG-1', 0);
    await setStock(t.database.db, 'DC-CHI', 'CAP-1', 40);
    await setStock(t.database.db, 'DC-CHI', 'BAG-1', 14); // unchanged
    await refreshChannelAvailability(t.database.db, ['MUG-1', 'CAP-1', 'BAG-1']);
    const delta = await changes('web', full.changesCursor);
    expect(delta.items.map(({ sku, quantity, previous }) => ({ sku, quantity, previous }))).toEqual([
      { sku: 'MUG-1', quantity: 0, previous: 11 },
      { sku: 'CAP-1', quantity: 40, previous: 13 },
    ]);
    expect((await changes('web', delta.next)).items).toEqual([]);
    // The zero stays listed in the full read.
    expect((await readAll('web')).items.find((i) => i.sku === 'MUG-1')?.quantity).toBe(0);
  });

  it('applies buffers, caps, node kinds and node status, and re-applies them when they change', async () => {
    await setStock(t.database.db, 'DC-CHI', 'TEE-1', 100);
    await setStock(t.database.db, '3PL-NJ', 'TEE-1', 5, 1, 1);
    await setStock(t.database.db, 'ST-NYC', 'TEE-1', 7);
    await refreshChannelAvailability(t.database.db, ['TEE-1']);
    const qty = async (channel: string) =>
      (await readAll(channel, 100)).items.find((i) => i.sku === 'TEE-1')?.quantity;
    expect(await qty('web')).toBe(110);
    expect(await qty('marketplace:amazon')).toBe(50); // stores excluded, 103 - 2, capped at 50

    await patchChannel('marketplace:amazon', { cap: null, buffer: { units: 2, percent: 10 } });
    await refreshAllChannelAvailability(t.database.db);
    expect(await qty('marketplace:amazon')).toBe(103 - 2 - 11);

    await t.app.inject({
      method: 'PATCH',
      url: '/v1/nodes/DC-CHI',
      headers: bearer(t.adminKey),
      payload: { status: 'paused' },
    });
    await refreshAllChannelAvailability(t.database.db);
    expect(await qty('web')).toBe(10);
    expect(await qty('marketplace:amazon')).toBe(0); // 3 - 2 - ceil(0.3)

    await patchChannel('web', { active: false });
    await refreshAllChannelAvailability(t.database.db);
    expect(await qty('web')).toBe(0);
    for (const channel of ['web', 'marketplace:amazon', 'store']) {
      expect(await qty(channel)).toBe((await liveAtp(channel, ['TEE-1'])).get('TEE-1'));
    }
  });

  it('appends one event per change and none when nothing changed', async () => {
    const from = await lastPosition();
    await setStock(t.database.db, 'DC-CHI', 'LAMP-1', 9);
    await setStock(t.database.db, 'ST-LA', 'LAMP-1', 4);
    await refreshChannelAvailability(t.database.db, ['LAMP-1']);
    const first = await feedEvents(from);
    // web, app, store, call-centre see 13; the marketplace 9 - 2.
    expect(first.map((e) => [e.aggregateId, e.payload.quantity, e.payload.previous]).sort()).toEqual(
      [
        ['app/LAMP-1', 13, 0],
        ['call-centre/LAMP-1', 13, 0],
        ['marketplace:amazon/LAMP-1', 7, 0],
        ['store/LAMP-1', 13, 0],
        ['web/LAMP-1', 13, 0],
      ].sort(),
    );
    const mark = first[first.length - 1]!.position;
    await refreshChannelAvailability(t.database.db, ['LAMP-1']);
    await refreshAllChannelAvailability(t.database.db);
    await setStock(t.database.db, 'ST-LA', 'LAMP-1', 4); // a new version, same quantity
    await refreshChannelAvailability(t.database.db, ['LAMP-1']);
    expect(await feedEvents(mark)).toEqual([]);

    // Refreshers racing (two instances during a hand-over) still publish each change once.
    await setStock(t.database.db, 'ST-LA', 'LAMP-1', 1);
    await Promise.all([1, 2, 3].map(() => refreshChannelAvailability(t.database.db, ['LAMP-1'])));
    const raced = await feedEvents(mark);
    expect(raced.map((e) => e.aggregateId).sort()).toEqual([
      'app/LAMP-1',
      'call-centre/LAMP-1',
      'store/LAMP-1',
      'web/LAMP-1',
    ]);
    expect(raced.every((e) => e.payload.quantity === 10 && e.payload.previous === 13)).toBe(true);
  });

  it('refuses a bad cursor, a cursor of another channel and an unknown channel with a code, changing nothing', async () => {
    const before = await snapshotState(t.database.db);
    const bad = await get('/v1/channels/web/availability/changes?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid-cursor' });
    const webCursor = (await get('/v1/channels/web/availability?limit=1')).json().changesCursor;
    const other = await get(`/v1/channels/app/availability/changes?cursor=${webCursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('invalid-cursor');
    const wrongKind = await get(`/v1/channels/web/availability?cursor=${webCursor}`);
    expect(wrongKind.json().code).toBe('invalid-cursor');
    for (const url of ['/v1/channels/nope/availability', '/v1/channels/nope/availability/changes']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('channel-not-found');
    }
    const limit = await get('/v1/channels/web/availability?limit=0');
    expect(limit.statusCode).toBe(400);
    expect(await snapshotState(t.database.db)).toEqual(before);
    const associate = await t.keyFor('associate', ['ST-NYC']);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/v1/channels/web/availability',
      headers: bearer(associate),
    });
    expect(denied.statusCode).toBe(403);
  });

  it('converges to GET /v1/availability after any sequence of changes, with events that chain', async () => {
    const channels = ['web', 'store', 'marketplace:amazon'];
    const skus = SKUS.slice(0, 3);
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('stock' as const),
        node: fc.constantFrom(...NODES.map((n) => n.id)),
        sku: fc.constantFrom(...skus),
        onHand: fc.integer({ min: 0, max: 80 }),
        reserved: fc.integer({ min: 0, max: 30 }),
        safety: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('node' as const),
        node: fc.constantFrom(...NODES.map((n) => n.id)),
        status: fc.constantFrom('online', 'paused', 'offline'),
      }),
      fc.record({
        kind: fc.constant('rule' as const),
        channel: fc.constantFrom(...channels),
        units: fc.integer({ min: 0, max: 5 }),
        percent: fc.constantFrom(0, 10, 33),
        cap: fc.option(fc.integer({ min: 0, max: 60 })),
      }),
      fc.record({ kind: fc.constant('refresh' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const from = await lastPosition();
        const start = new Map<string, number>();
        for (const c of ['web', 'app', 'store', 'call-centre', 'marketplace:amazon'])
          for (const i of (await readAll(c, 100)).items) start.set(`${c}/${i.sku}`, i.quantity);
        // What the loop does: refresh the skus inventory notifications named; everything after a
        // node or channel change.
        let dirty = new Set<string>();
        let all = false;
        const flush = async () => {
          if (all) await refreshAllChannelAvailability(t.database.db, 2);
          else await refreshChannelAvailability(t.database.db, [...dirty]);
          dirty = new Set();
          all = false;
        };
        for (const o of ops) {
          if (o.kind === 'stock') {
            await setStock(t.database.db, o.node, o.sku, o.onHand, o.reserved, o.safety);
            dirty.add(o.sku);
          } else if (o.kind === 'node') {
            await t.database.db
              .updateTable('nodes')
              .set({ status: o.status })
              .where('id', '=', o.node)
              .execute();
            all = true;
          } else if (o.kind === 'rule') {
            await patchChannel(o.channel, { buffer: { units: o.units, percent: o.percent }, cap: o.cap });
            all = true;
          } else {
            await flush();
          }
        }
        await flush();
        const events = await feedEvents(from);
        const last = new Map(start);
        for (const e of events) {
          const { quantity, previous } = e.payload as { quantity: number; previous: number };
          expect(quantity).not.toBe(previous);
          expect(previous).toBe(last.get(e.aggregateId) ?? 0);
          last.set(e.aggregateId, quantity);
        }
        await t.services.availability.reload();
        for (const c of channels) {
          const live = await liveAtp(c, skus, false);
          const feed = new Map((await readAll(c, 100)).items.map((i) => [i.sku, i.quantity]));
          for (const sku of skus) {
            expect(feed.get(sku) ?? 0, `${c} ${sku}`).toBe(live.get(sku));
            expect(last.get(`${c}/${sku}`) ?? 0, `${c} ${sku} from events`).toBe(live.get(sku));
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('the background loop catches up after inventory, channel and node changes by itself', async () => {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const stop = new AbortController();
    const loop = runFeedLoop(t.database.db, client, {
      signal: stop.signal,
      maxRunMs: 60_000,
      debounceMs: 20,
    });
    const qty = async (channel: string, sku: string) =>
      (
        await t.database.db
          .selectFrom('channel_availability')
          .select('quantity')
          .where('channel_id', '=', channel)
          .where('sku', '=', sku)
          .executeTakeFirst()
      )?.quantity;
    const settle = async (channel: string, sku: string, want: number) => {
      const deadline = Date.now() + 5_000;
      while ((await qty(channel, sku)) !== want) {
        if (Date.now() > deadline) throw new Error(`${channel} ${sku} never became ${want}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await setStock(t.database.db, 'DC-CHI', 'BELT-1', 30);
      await settle('web', 'BELT-1', 30);
      await settle('marketplace:amazon', 'BELT-1', 28);
      await patchChannel('marketplace:amazon', { cap: 5 });
      await settle('marketplace:amazon', 'BELT-1', 5);
      await t.app.inject({
        method: 'PATCH',
        url: '/v1/nodes/DC-CHI',
        headers: bearer(t.adminKey),
        payload: { status: 'offline' },
      });
      await settle('web', 'BELT-1', 0);
    } finally {
      stop.abort();
      await loop;
      await client.end();
    }
  });
});
