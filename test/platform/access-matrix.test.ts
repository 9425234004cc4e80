import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/auth/roles.ts';
import { storeNode } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({
    method: 'PUT',
    url: '/v1/nodes/MINE',
    headers: bearer(t.adminKey),
    payload: storeNode(),
  });
  await t.app.inject({
    method: 'PUT',
    url: '/v1/nodes/OTHER',
    headers: bearer(t.adminKey),
    payload: storeNode(),
  });
  for (const role of ROLES)
    keys[role] = role === 'admin' ? t.adminKey : await t.keyFor(role, role === 'associate' ? ['MINE'] : []);
});
afterAll(async () => {
  await t.close();
});

/** A concrete URL for a route pattern: every path parameter gets a harmless value. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
    name === 'id' && url.includes('keys') ? '00000000-0000-4000-8000-000000000000' : 'ZZ-NONE',
  );
}

describe('access matrix over every route', () => {
  it('enumerates the protected routes', () => {
    const protectedRoutes = t.app.routeTable.filter((r) => r.roles);
    expect(protectedRoutes.length).toBeGreaterThan(10);
  });

  it('every protected route refuses a missing or wrong key with 401', async () => {
    for (const route of t.app.routeTable.filter((r) => r.roles)) {
      const url = concrete(route.url);
      const none = await t.app.inject({ method: route.method as 'GET', url });
      expect(none.statusCode, `${route.method} ${route.url} without a key`).toBe(401);
      const wrong = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers: bearer('og_not-a-real-key'),
      });
      expect(wrong.statusCode, `${route.method} ${route.url} with a bad key`).toBe(401);
    }
  });

  it('each role is let through exactly the routes that list it', async () => {
    for (const route of t.app.routeTable.filter((r) => r.roles)) {
      for (const role of ROLES) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: bearer(keys[role]),
          ...(route.hasBody ? { payload: {} } : {}),
        });
        const label = `${role} ${route.method} ${route.url} -> ${res.statusCode} ${res.body.slice(0, 120)}`;
        if (route.roles?.includes(role)) {
          expect(res.statusCode, label).not.toBe(401);
          if (res.statusCode === 403) expect(res.json().code, label).toBe('node-forbidden');
          expect(res.statusCode, label).toBeLessThan(500);
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().code, label).toBe('forbidden');
        }
      }
    }
  });

  it('public routes need no key', async () => {
    for (const url of ['/health', '/ready', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('an associate sees and acts only on its own nodes', async () => {
    const headers = bearer(keys.associate);
    const list = await t.app.inject({ method: 'GET', url: '/v1/nodes', headers });
    expect(list.json().items.map((n: { id: string }) => n.id)).toEqual(['MINE']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/nodes/MINE', headers })).statusCode).toBe(200);
    const other = await t.app.inject({ method: 'GET', url: '/v1/nodes/OTHER', headers });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('node-forbidden');
  });

  it('a viewer reads but cannot write; a revoked or expired key stops working', async () => {
    const viewer = bearer(keys.viewer);
    expect((await t.app.inject({ method: 'GET', url: '/v1/nodes', headers: viewer })).statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'PATCH',
      url: '/v1/nodes/MINE',
      headers: viewer,
      payload: { status: 'paused' },
    });
    expect(write.statusCode).toBe(403);

    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(t.adminKey),
      payload: { name: 'short-lived', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json();
    expect((await t.app.inject({ method: 'GET', url: '/v1/items', headers: bearer(key) })).statusCode).toBe(
      200,
    );
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${apiKey.id}`,
      headers: bearer(t.adminKey),
    });
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/v1/items', headers: bearer(key) })).statusCode).toBe(
      401,
    );

    const expired = await t.services.keys.create(
      { name: 'expired', role: 'viewer', expiresAt: new Date(Date.now() - 1000).toISOString() },
      'test',
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/items', headers: bearer(expired.key) })).statusCode,
    ).toBe(401);
  });

  it('key listings never contain secrets', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(t.adminKey) });
    expect(res.body).not.toContain(t.adminKey);
    expect(res.body).not.toContain('secret');
  });
});
