import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/outbox.ts';
import { jitteredBackoff } from '../../src/events/webhook-backoff.ts';
import { WebhookDispatcher } from '../../src/events/webhook-dispatcher.ts';
import { claimDue } from '../../src/events/webhook-queue.ts';
import { createDb, type DbHandle } from '../../src/platform/db/database.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

/** A receiver whose answer to each request the test decides; it records every request. */
interface Hit {
  id: string;
  body: string;
  headers: IncomingHttpHeaders;
  answered: number | 'hang';
}
let behaviour: (id: string, n: number) => number | 'hang' = () => 200;
const hits: Hit[] = [];
let server: Server;
let url: string;
let t: TestApp;
let offset = 0;
const clock = () => new Date(Date.now() + offset);

beforeAll(async () => {
  t = await createTestApp();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const answer = behaviour(id, hits.length);
      hits.push({ id, body, headers: req.headers, answered: answer });
      if (answer === 'hang') return; // the sender times out
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await t.close();
});
beforeEach(async () => {
  hits.length = 0;
  behaviour = () => 200;
  // Each test starts with no subscription: earlier ones are deleted.
  await t.database.db.deleteFrom('webhook_subscriptions').execute();
});

async function subscribe(eventTypes = ['order.*']): Promise<{ id: string; secret: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: bearer(t.adminKey),
    payload: { url, eventTypes },
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().webhook.id, secret: res.json().secret };
}

/** Appends `perOrder` events to each of `orders` orders, interleaved, one transaction each. */
async function orderEvents(prefix: string, orders: number, perOrder: number): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  for (let k = 0; k < perOrder; k++) {
    for (let o = 0; o < orders; o++) {
      const orderId = `${prefix}-${o}`;
      const id = await t.database.db.transaction().execute((trx) =>
        appendEvent(trx, {
          type: k === 0 ? 'order.created' : 'order.updated',
          aggregateType: 'order',
          aggregateId: orderId,
          payload: { k },
        }),
      );
      ids.set(orderId, [...(ids.get(orderId) ?? []), id]);
    }
    // Noise that no order.* subscription wants.
    await t.database.db
      .transaction()
      .execute((trx) =>
        appendEvent(trx, { type: 'node.updated', aggregateType: 'node', aggregateId: 'N', payload: {} }),
      );
  }
  return ids;
}

function dispatcher(overrides: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) {
  return new WebhookDispatcher({ db: t.database.db, clock, timeoutMs: 1_000, concurrency: 16, ...overrides });
}

/** Drains, moving the clock past every retry, until nothing is pending or the rounds run out. */
async function deliverAll(d: WebhookDispatcher, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await d.drain();
    const pending = await t.database.db
      .selectFrom('webhook_deliveries')
      .select('event_id')
      .where('status', '=', 'pending')
      .execute();
    if (pending.length === 0) return;
    offset += 9 * 3_600_000; // past the longest backoff step
  }
}

function successes(): Hit[] {
  return hits.filter((h) => h.answered === 200);
}

describe('webhook delivery', () => {
  it('a receiver that fails for a while gets every event once, in per-order sequence, verifiably signed', async () => {
    const { id: subId, secret } = await subscribe();
    const expected = await orderEvents('A', 6, 5);
    // 500 for the first 10 requests, then 4 that hang past the timeout, then healthy.
    behaviour = (_id, n) => (n < 10 ? 500 : n < 14 ? 'hang' : 200);
    await deliverAll(dispatcher());

    const ok = successes();
    const all = [...expected.values()].flat();
    expect(ok.map((h) => h.id).sort()).toEqual([...all].sort());
    expect(new Set(ok.map((h) => h.id)).size).toBe(ok.length);
    expect(hits.length).toBeGreaterThan(ok.length); // there really were failures
    // Per order: requests (failed ones included) never run ahead of an undelivered earlier event.
    for (const [orderId, ids] of expected) {
      const seen = hits.filter((h) => ids.includes(h.id)).map((h) => ids.indexOf(h.id));
      expect(seen, orderId).toEqual([...seen].sort((a, b) => a - b));
      expect(
        ok.filter((h) => ids.includes(h.id)).map((h) => h.id),
        orderId,
      ).toEqual(ids);
    }
    // Signatures verify with the library, and fail once body, id or secret is tampered with.
    const verifier = new Verifier(secret);
    for (const h of hits) {
      const body = verifier.verify(h.body, h.headers as Record<string, string>) as {
        type: string;
        data: { id: string; aggregateSeq: number };
      };
      expect(body.data.id).toBe(h.id);
    }
    const h = ok[0]!;
    const headers = h.headers as Record<string, string>;
    expect(() => verifier.verify(h.body.replace('"k":', '"K":'), headers)).toThrow();
    expect(() => verifier.verify(h.body, { ...headers, 'webhook-id': 'other' })).toThrow();
    expect(() =>
      new Verifier(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(h.body, headers),
    ).toThrow();

    // The log: one success per event, failures with their code or error and a next attempt.
    const log = await t.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${subId}/deliveries?limit=500`,
      headers: bearer(t.adminKey),
    });
    const items = log.json().items as {
      eventId: string;
      status: string;
      responseCode: number | null;
      error: string | null;
      nextAttemptAt: string | null;
      durationMs: number;
    }[];
    expect(items.filter((i) => i.status === 'delivered')).toHaveLength(all.length);
    const failed = items.filter((i) => i.status === 'failed');
    expect(failed.some((i) => i.responseCode === 500)).toBe(true);
    expect(failed.some((i) => i.responseCode === null && i.error?.includes('timed out'))).toBe(true);
    expect(failed.every((i) => i.nextAttemptAt !== null)).toBe(true);
    expect(log.json()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('one failing order does not hold up the others', async () => {
    await subscribe();
    const expected = await orderEvents('B', 4, 3);
    const stuck = expected.get('B-0')!;
    behaviour = (id) => (stuck.includes(id) ? 503 : 200);
    await dispatcher().drain();
    const ok = new Set(successes().map((h) => h.id));
    for (const [orderId, ids] of expected) {
      if (orderId === 'B-0') expect(ids.some((i) => ok.has(i))).toBe(false);
      else expect(ids.every((i) => ok.has(i))).toBe(true);
    }
    // Only the stuck order's first event was tried.
    expect(new Set(hits.filter((h) => stuck.includes(h.id)).map((h) => h.id))).toEqual(new Set([stuck[0]]));
  });

  it('two dispatchers on separate connections never deliver an event twice', async () => {
    await subscribe();
    const expected = await orderEvents('C', 30, 4);
    behaviour = () => 200;
    const other: DbHandle = createDb(t.database.url, 10);
    try {
      // Timeouts long enough that no attempt fails on a busy machine: any repeat would be a bug.
      const a = dispatcher({ concurrency: 8, timeoutMs: 10_000 });
      const b = new WebhookDispatcher({ db: other.db, clock, timeoutMs: 10_000, concurrency: 8 });
      await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
      await deliverAll(a);
    } finally {
      await other.close();
    }
    const all = [...expected.values()].flat();
    expect(hits.map((h) => h.id).sort()).toEqual([...all].sort());
    for (const [orderId, ids] of expected)
      expect(
        hits.filter((h) => ids.includes(h.id)).map((h) => h.id),
        orderId,
      ).toEqual(ids);
  });

  it('a sender that dies mid-delivery loses nothing: its claim runs out and another sends', async () => {
    await subscribe();
    const expected = await orderEvents('D', 1, 2);
    const d = dispatcher();
    await d.enqueue();
    // "Crash": claim the head and never record anything.
    const claimed = await claimDue(t.database.db, {
      now: clock(),
      limit: 10,
      leaseMs: 40_000,
      token: '00000000-0000-4000-8000-000000000001',
    });
    expect(claimed).toHaveLength(1);
    await d.drain();
    expect(hits).toHaveLength(0); // still claimed: nobody else may send it, nor the next one
    offset += 41_000;
    await d.drain();
    expect(hits.map((h) => h.id)).toEqual(expected.get('D-0'));
  });

  it('a loop that starts takes over claims older than the send timeout, never fresher ones', async () => {
    await subscribe();
    const expected = await orderEvents('O', 1, 2);
    const d = dispatcher(); // 1 s send timeout, 31 s lease
    await d.enqueue();
    // A sender killed 2 s into its claim: its send may still be running, so it stays claimed.
    await claimDue(t.database.db, {
      now: clock(),
      limit: 10,
      leaseMs: 31_000,
      token: '00000000-0000-4000-8000-000000000002',
    });
    const runFor = (ms: number) => d.run({ maxRunMs: ms, pollMs: 50 });
    offset += 2_000;
    await runFor(300);
    expect(hits).toHaveLength(0);
    // 7 s in (past the 1 s timeout and the 5 s margin): the next loop takes it over at once,
    // long before the lease would have run out.
    offset += 5_000;
    await runFor(500);
    expect(hits.map((h) => h.id)).toEqual(expected.get('O-0'));
  });

  it('retries end in dead after the schedule; later events then flow; replay re-sends the same ids', async () => {
    const { id: subId } = await subscribe();
    const expected = (await orderEvents('E', 1, 3)).get('E-0')!;
    const first = expected[0]!;
    behaviour = (id) => (id === first ? 500 : 200);
    await deliverAll(dispatcher({ backoff: jitteredBackoff([1_000, 2_000]) }));
    expect(hits.filter((h) => h.id === first)).toHaveLength(3);
    expect(successes().map((h) => h.id)).toEqual(expected.slice(1));
    const headers = bearer(t.adminKey);
    const log = await t.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${subId}/deliveries?status=dead`,
      headers,
    });
    expect(log.json().items.map((i: { eventId: string }) => i.eventId)).toEqual([first]);
    expect(log.json().dead).toBe(1);

    // Receiver fixed: replay from the first event's position re-delivers all three, in order.
    behaviour = () => 200;
    hits.length = 0;
    const pos = await t.database.db
      .selectFrom('events')
      .select('position')
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    const replay = await t.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${subId}/replay`,
      headers,
      payload: { fromPosition: pos.position },
    });
    expect(replay.statusCode).toBe(202);
    expect(replay.json().queued).toBe(3);
    await dispatcher().drain();
    expect(hits.map((h) => h.id)).toEqual(expected);
    // Paging the log: 2 per page until nextCursor is null, every attempt once.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: {
        items: { eventId: string; attempt: number; replay: number }[];
        nextCursor: string | null;
      } = (
        await t.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${subId}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers,
        })
      ).json();
      seen.push(...page.items.map((i) => `${i.eventId}/${i.replay}/${i.attempt}`));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(3 + 2 + 3);
  });

  it('410 Gone deactivates the subscription with one event; re-activating resumes', async () => {
    const { id: subId } = await subscribe();
    const expected = (await orderEvents('F', 1, 2)).get('F-0')!;
    behaviour = () => 410;
    await dispatcher().drain();
    const headers = bearer(t.adminKey);
    const sub = (await t.app.inject({ method: 'GET', url: `/v1/webhooks/${subId}`, headers })).json();
    expect(sub).toMatchObject({ active: false, disabledReason: expect.stringContaining('410') });
    behaviour = () => 200;
    offset += 60_000;
    await dispatcher().drain();
    expect(successes()).toHaveLength(0);
    await t.app.inject({ method: 'PATCH', url: `/v1/webhooks/${subId}`, headers, payload: { active: true } });
    await dispatcher().drain();
    expect(successes().map((h) => h.id)).toEqual(expected);
  });
});
