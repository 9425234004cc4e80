import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeNode } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function eventsOf(aggregateId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/events?aggregateId=${aggregateId}`,
    headers: bearer(t.adminKey),
  });
  return res.json().items as { type: string; aggregateSeq: number; payload: unknown }[];
}

describe('nodes API', () => {
  it('creates with PUT (201), replays identically without a new event (200), updates with an event', async () => {
    const headers = bearer(t.adminKey);
    const first = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-CHI-1',
      headers,
      payload: storeNode(),
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: 'ST-CHI-1', kind: 'store', status: 'online', version: 1 });

    const again = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-CHI-1',
      headers,
      payload: storeNode(),
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    expect((await eventsOf('ST-CHI-1')).map((e) => e.type)).toEqual(['node.created']);

    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-CHI-1',
      headers,
      payload: storeNode({ dailyCapacity: 120 }),
    });
    expect(changed.json()).toMatchObject({ dailyCapacity: 120, version: 2 });
    const events = await eventsOf('ST-CHI-1');
    expect(events.map((e) => [e.type, e.aggregateSeq])).toEqual([
      ['node.created', 1],
      ['node.updated', 2],
    ]);
    expect(events[1]?.payload).toMatchObject({ changed: ['daily_capacity'] });
  });

  it('PATCHes a status and records the previous one', async () => {
    const headers = bearer(t.adminKey);
    await t.app.inject({ method: 'PUT', url: '/v1/nodes/ST-P', headers, payload: storeNode() });
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/v1/nodes/ST-P',
      headers,
      payload: { status: 'offline' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('offline');
    const last = (await eventsOf('ST-P')).at(-1);
    expect(last?.payload).toMatchObject({ changed: ['status'], previous: { status: 'online' } });
  });

  it('locates a node from its US ZIP when lat/lon are left out, and rejects an unknown ZIP with 422', async () => {
    const headers = bearer(t.adminKey);
    const body = storeNode({ address: { postalCode: '10001', country: 'US' } }) as Record<string, unknown>;
    delete body.lat;
    delete body.lon;
    const res = await t.app.inject({ method: 'PUT', url: '/v1/nodes/ST-NYC-Z', headers, payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.json().lat).toBeCloseTo(40.75, 1);

    const before = await snapshotState(t.database.db);
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-BAD',
      headers,
      payload: { ...body, address: { postalCode: '00000' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ code: 'invalid-node', pointer: '/address/postalCode' });
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('rejects an unknown time zone naming /timezone', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-TZ',
      headers: bearer(t.adminKey),
      payload: storeNode({ timezone: 'Mars/Olympus' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid-request', pointer: '/timezone' });
  });

  it('lists with filters and cursor pagination that visits every node once', async () => {
    const headers = bearer(t.adminKey);
    for (let i = 0; i < 7; i++) {
      await t.app.inject({
        method: 'PUT',
        url: `/v1/nodes/PG-${i}`,
        headers,
        payload: storeNode({ kind: i % 2 ? 'warehouse' : 'store', tags: i < 3 ? ['east'] : ['west'] }),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url: `/v1/nodes?${qs}`, headers });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => id.startsWith('PG-'))).toHaveLength(7);

    const east = await t.app.inject({
      method: 'GET',
      url: '/v1/nodes?tag=east&kind=store&limit=100',
      headers,
    });
    expect(
      east
        .json()
        .items.map((n: { id: string }) => n.id)
        .filter((id: string) => id.startsWith('PG-')),
    ).toEqual(['PG-0', 'PG-2']);
    const badCursor = await t.app.inject({ method: 'GET', url: '/v1/nodes?cursor=%%%', headers });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().code).toBe('invalid-cursor');
  });

  it('deletes a node with an event and answers 404 afterwards', async () => {
    const headers = bearer(t.adminKey);
    await t.app.inject({ method: 'PUT', url: '/v1/nodes/DEL-1', headers, payload: storeNode() });
    const del = await t.app.inject({ method: 'DELETE', url: '/v1/nodes/DEL-1', headers });
    expect(del.statusCode).toBe(204);
    const get = await t.app.inject({ method: 'GET', url: '/v1/nodes/DEL-1', headers });
    expect(get.statusCode).toBe(404);
    expect(get.json().code).toBe('node-not-found');
    expect((await eventsOf('DEL-1')).map((e) => e.type)).toEqual(['node.created', 'node.deleted']);
  });

  it('resolves destinations offline and names the failing field', async () => {
    const headers = bearer(t.adminKey);
    const zip = await t.app.inject({
      method: 'POST',
      url: '/v1/destinations/resolve',
      headers,
      payload: { postalCode: '60601' },
    });
    expect(zip.json()).toMatchObject({ source: 'postal-code' });
    const city = await t.app.inject({
      method: 'POST',
      url: '/v1/destinations/resolve',
      headers,
      payload: { city: 'Springfield', region: 'IL' },
    });
    expect(city.json().lat).toBeCloseTo(39.8, 0);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/destinations/resolve',
      headers,
      payload: { city: 'Qwxyzton' },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'destination-unresolvable', pointer: '/city' });
  });
});
