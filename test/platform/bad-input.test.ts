import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { item, storeNode } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({
    method: 'PUT',
    url: '/v1/nodes/N1',
    headers: bearer(t.adminKey),
    payload: storeNode(),
  });
  await t.app.inject({ method: 'PUT', url: '/v1/items/SKU-1', headers: bearer(t.adminKey), payload: item() });
});
afterAll(async () => {
  await t.close();
});

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'sku') return 'SKU-1';
    if (url.includes('/keys/')) return '00000000-0000-4000-8000-000000000000';
    return 'N1';
  });
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> },
  label: string,
) {
  expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, label).toBeLessThan(500);
  expect(String(res.headers['content-type']), label).toContain('application/problem+json');
  expect(typeof res.json().code, label).toBe('string');
}

describe('bad input on every write route', () => {
  const writes = () => t.app.routeTable.filter((r) => r.hasBody && r.roles?.includes('admin'));

  it('an unknown field is named by pointer, and nothing changes', async () => {
    expect(writes().length).toBeGreaterThan(4);
    for (const route of writes()) {
      const before = await snapshotState(t.database.db);
      const res = await t.app.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: bearer(t.adminKey),
        payload: { definitelyNotAField: 1 },
      });
      const label = `${route.method} ${route.url}`;
      expectProblem(res, label);
      expect(res.json().pointer, label).toBeTypeOf('string');
      expect(await snapshotState(t.database.db), label).toEqual(before);
    }
  });

  it('malformed JSON and wrong types get a 400 problem, never a 500', async () => {
    for (const route of writes()) {
      const label = `${route.method} ${route.url}`;
      const broken = await t.app.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
        payload: '{"unterminated": ',
      });
      expectProblem(broken, label);
      for (const payload of ['"text"', '12', 'null', 'true']) {
        const res = await t.app.inject({
          method: route.method as 'POST',
          url: concrete(route.url),
          headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
          payload,
        });
        expectProblem(res, `${label} with ${payload}`);
      }
    }
  });

  it('names nested fields by JSON pointer', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/N2',
      headers: bearer(t.adminKey),
      payload: storeNode({ address: { city: 'X', zip: '1' } }),
    });
    expect(res.json()).toMatchObject({ code: 'invalid-request', pointer: '/address/zip' });
    const missing = await t.app.inject({
      method: 'PUT',
      url: '/v1/items/SKU-2',
      headers: bearer(t.adminKey),
      payload: { weight: 1 },
    });
    expect(missing.json()).toMatchObject({ pointer: '/name' });
    const enumBad = await t.app.inject({
      method: 'PATCH',
      url: '/v1/nodes/N1',
      headers: bearer(t.adminKey),
      payload: { status: 'asleep' },
    });
    expect(enumBad.json().pointer).toBe('/status');
  });

  it('an unknown query parameter or route is a problem too', async () => {
    const q = await t.app.inject({ method: 'GET', url: '/v1/nodes?colour=red', headers: bearer(t.adminKey) });
    expect(q.statusCode).toBe(400);
    expect(q.json().errors[0]).toMatchObject({ in: 'query', pointer: '/colour' });
    const none = await t.app.inject({ method: 'GET', url: '/v1/nope', headers: bearer(t.adminKey) });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('route-not-found');
  });
});
