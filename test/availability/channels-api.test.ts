import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { insertNetwork } from './availability-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await insertNetwork(t.database.db);
});
afterAll(async () => {
  await t.close();
});

async function eventsOf(aggregateId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/events?aggregateId=${encodeURIComponent(aggregateId)}`,
    headers: bearer(t.adminKey),
  });
  return res.json().items as { type: string; payload: Record<string, unknown> }[];
}

describe('channels API', () => {
  it('starts with the default channels; the marketplace sells from DCs and 3PLs with a buffer and cap', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/channels', headers: bearer(t.adminKey) });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string }[];
    expect(items.map((c) => c.id)).toEqual(['app', 'call-centre', 'marketplace:amazon', 'store', 'web']);
    const amazon = await t.app.inject({
      method: 'GET',
      url: '/v1/channels/marketplace:amazon',
      headers: bearer(t.adminKey),
    });
    expect(amazon.json()).toMatchObject({
      buffer: { units: 2, percent: 0 },
      cap: 50,
      allowedNodes: { kinds: ['warehouse', '3pl'], tags: null, include: [], exclude: [] },
      active: true,
    });
  });

  it('creates (201), replays without an event (200), patches and deletes, one event each', async () => {
    const headers = bearer(t.adminKey);
    const body = {
      name: 'eBay',
      buffer: { units: 1, percent: 10 },
      cap: 20,
      allowedNodes: { kinds: ['warehouse'], include: ['ST-NYC'], exclude: ['3PL-NJ'] },
    };
    const created = await t.app.inject({
      method: 'PUT',
      url: '/v1/channels/marketplace:ebay',
      headers,
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'marketplace:ebay',
      allowedNodes: { kinds: ['warehouse'], tags: null, include: ['ST-NYC'], exclude: ['3PL-NJ'] },
      version: 1,
    });
    // A percent-encoded colon names the same channel.
    const again = await t.app.inject({
      method: 'PUT',
      url: '/v1/channels/marketplace%3Aebay',
      headers,
      payload: body,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/marketplace:ebay',
      headers,
      payload: { cap: null, active: false },
    });
    expect(patched.json()).toMatchObject({ cap: null, active: false, version: 2 });

    const del = await t.app.inject({ method: 'DELETE', url: '/v1/channels/marketplace:ebay', headers });
    expect(del.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: '/v1/channels/marketplace:ebay', headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('channel-not-found');

    const events = await eventsOf('marketplace:ebay');
    expect(events.map((e) => e.type)).toEqual(['channel.created', 'channel.updated', 'channel.deleted']);
    expect(events[1]?.payload.changed).toEqual(['cap', 'active']);
  });

  it('rejects bad channels with a pointer and changes nothing', async () => {
    const headers = bearer(t.adminKey);
    const before = await snapshotState(t.database.db);
    const unknownNode = await t.app.inject({
      method: 'PUT',
      url: '/v1/channels/kiosk',
      headers,
      payload: { name: 'Kiosk', allowedNodes: { exclude: ['ST-NYC', 'GHOST'] } },
    });
    expect(unknownNode.statusCode).toBe(422);
    expect(unknownNode.json()).toMatchObject({ code: 'invalid-channel', pointer: '/allowedNodes/exclude/1' });

    const badKind = await t.app.inject({
      method: 'PUT',
      url: '/v1/channels/kiosk',
      headers,
      payload: { name: 'Kiosk', allowedNodes: { kinds: ['moon'] } },
    });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json().pointer).toMatch(/^\/allowedNodes\/kinds\/0/);

    const badId = await t.app.inject({
      method: 'PUT',
      url: '/v1/channels/Web%20Shop',
      headers,
      payload: { name: 'x' },
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ code: 'invalid-request', pointer: '/id' });

    const badBuffer = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/web',
      headers,
      payload: { buffer: { units: -1 } },
    });
    expect(badBuffer.json()).toMatchObject({ code: 'invalid-request', pointer: '/buffer/units' });

    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/nope',
      headers,
      payload: { cap: 1 },
    });
    expect(missing.statusCode).toBe(404);
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('lets every role read and only admin/integration write', async () => {
    const viewer = bearer(await t.keyFor('viewer'));
    expect((await t.app.inject({ method: 'GET', url: '/v1/channels/web', headers: viewer })).statusCode).toBe(
      200,
    );
    const write = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/web',
      headers: viewer,
      payload: { cap: 1 },
    });
    expect(write.statusCode).toBe(403);
    const integration = bearer(await t.keyFor('integration'));
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/app',
      headers: integration,
      payload: { cap: 100 },
    });
    expect(ok.statusCode).toBe(200);
  });
});
