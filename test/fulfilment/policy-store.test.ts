import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredPolicyProvider } from '../../src/fulfilment/policy-provider.ts';
import { storeNode } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  for (const id of ['ST-A', 'ST-B']) {
    await t.app.inject({
      method: 'PUT',
      url: `/v1/nodes/${id}`,
      headers: bearer(t.adminKey),
      payload: storeNode(),
    });
  }
});
afterAll(async () => {
  await t.close();
});

const admin = () => bearer(t.adminKey);
const putDraft = (id: string, payload: unknown) =>
  t.app.inject({
    method: 'PUT',
    url: `/v1/policies/${id}/draft`,
    headers: admin(),
    payload: payload as object,
  });
const activate = (id: string) =>
  t.app.inject({ method: 'POST', url: `/v1/policies/${id}/activate`, headers: admin() });
async function eventsOf(id: string) {
  const res = await t.app.inject({ method: 'GET', url: `/v1/events?aggregateId=${id}`, headers: admin() });
  return (
    res.json().items as { type: string; aggregateType: string; payload: Record<string, unknown> }[]
  ).filter((e) => e.aggregateType === 'policy');
}

describe('routing policy store', () => {
  it('starts with the engine default as version 1 of the live policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/policies', headers: admin() });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        id: 'default',
        active: expect.objectContaining({
          version: 1,
          status: 'active',
          document: { id: 'default', version: 1 },
        }),
        drafts: [],
        versions: 1,
      }),
    ]);
    expect(t.services.policies.active()).toEqual({ id: 'default', version: 1 });
  });

  it('rejects an invalid draft with 422 listing every problem by pointer, and changes nothing', async () => {
    const before = await snapshotState(t.database.db);
    const res = await putDraft('default', {
      shipComplete: true,
      maxShipments: 2,
      exclude: [{ match: { nodes: ['NOPE-1'] } }],
      priorityGroups: [
        { name: 'near', match: { kinds: ['store'] } },
        { name: 'near', match: { kinds: ['warehouse'] } },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('invalid-policy');
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/exclude/0/match/nodes/0',
      '/maxShipments',
      '/priorityGroups/1/name',
    ]);
    const shape = await putDraft('default', { dayCost: -1, colour: 'red' });
    expect(shape.statusCode).toBe(422);
    expect(
      shape
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(['/colour', '/dayCost']);
    for (const payload of ['[]', '"text"', '12']) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/v1/policies/default/draft',
        headers: { ...admin(), 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, payload).toBe(422);
    }
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('saves a draft (201), replays it without an event (200), and shows it beside the active version', async () => {
    const doc = {
      description: 'stores first',
      dayCost: 0.5,
      maxShipments: 2,
      exclude: [{ match: { nodes: ['ST-B'] } }],
    };
    const first = await putDraft('default', doc);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ id: 'default', version: 2, status: 'draft', activatedAt: null });
    expect(first.json().document).toEqual({ id: 'default', version: 2, ...doc });
    const again = await putDraft('default', { ...doc });
    expect(again.statusCode).toBe(200);
    const changed = await putDraft('default', { ...doc, dayCost: 1 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, document: { dayCost: 1 } });
    expect((await eventsOf('default')).map((e) => e.type)).toEqual([
      'policy.draft-saved',
      'policy.draft-saved',
    ]);

    const detail = (
      await t.app.inject({ method: 'GET', url: '/v1/policies/default', headers: admin() })
    ).json();
    expect(detail.active.version).toBe(1);
    expect(detail.drafts.map((d: { version: number }) => d.version)).toEqual([2]);
    // Saving a draft does not change what routes.
    expect(t.services.policies.active().version).toBe(1);
  });

  it('activates the draft: new version live here at once and in another instance by notification', async () => {
    const other = new StoredPolicyProvider(t.database.db);
    await other.start(t.database.url);
    try {
      expect(other.active().version).toBe(1);
      const res = await activate('default');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ version: 2, status: 'active' });
      expect(t.services.policies.active()).toMatchObject({ id: 'default', version: 2, dayCost: 1 });
      const deadline = Date.now() + 5_000;
      while (other.active().version !== 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(other.active()).toMatchObject({
        version: 2,
        dayCost: 1,
        exclude: [{ match: { nodes: ['ST-B'] } }],
      });
    } finally {
      await other.stop();
    }
    const v1 = await t.app.inject({
      method: 'GET',
      url: '/v1/policies/default/versions/1',
      headers: admin(),
    });
    expect(v1.json()).toMatchObject({ version: 1, status: 'retired' });
    expect(v1.json().retiredAt).not.toBeNull();
    const events = await eventsOf('default');
    expect(events.at(-1)).toMatchObject({
      type: 'policy.activated',
      payload: { id: 'default', version: 2, previousVersion: 1 },
    });
    const none = await activate('default');
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('policy-draft-not-found');
  });

  it('concurrent activations produce exactly one active version', async () => {
    await putDraft('default', { dayCost: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => activate('default')));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const active = await t.database.db
      .selectFrom('routing_policies')
      .select('version')
      .where('id', '=', 'default')
      .where('status', '=', 'active')
      .execute();
    expect(active).toEqual([{ version: 3 }]);
    // The database itself refuses a second active version, whatever the application does.
    await expect(
      sql`INSERT INTO routing_policies (id, version, document, status, created_by, activated_at)
          VALUES ('default', 99, '{}', 'active', 'x', now())`.execute(t.database.db),
    ).rejects.toThrow(/routing_policies_one_active/);
  });

  it('validates again on activation: a node deleted since the draft was saved blocks it', async () => {
    await t.app.inject({ method: 'PUT', url: '/v1/nodes/ST-GONE', headers: admin(), payload: storeNode() });
    expect((await putDraft('stores', { exclude: [{ match: { nodes: ['ST-GONE'] } }] })).statusCode).toBe(201);
    const del = await t.app.inject({ method: 'DELETE', url: '/v1/nodes/ST-GONE', headers: admin() });
    expect(del.statusCode).toBe(204);
    const before = await snapshotState(t.database.db);
    const res = await activate('stores');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid-policy', pointer: '/exclude/0/match/nodes/0' });
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('a new policy starts at version 1; unknown ids and versions are 404; reads need a key, writes admin', async () => {
    expect((await putDraft('weekend', { dayCost: 0.1 })).json()).toMatchObject({
      version: 1,
      status: 'draft',
    });
    expect((await activate('weekend')).json()).toMatchObject({ version: 1, status: 'active' });
    // Another policy's activation leaves the live one alone.
    expect(t.services.policies.active()).toMatchObject({ id: 'default', version: 3 });

    for (const url of ['/v1/policies/nope', '/v1/policies/default/versions/99']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin() });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('policy-not-found');
    }
    expect((await activate('nope')).statusCode).toBe(404);

    const viewer = bearer(await t.keyFor('viewer'));
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/policies/default', headers: viewer })).statusCode,
    ).toBe(200);
    const write = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies/default/draft',
      headers: viewer,
      payload: {},
    });
    expect(write.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/policies' })).statusCode).toBe(401);
  });
});
