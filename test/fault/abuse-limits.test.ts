import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, loadConfig } from '../../src/platform/config/config.ts';
import type { AppInstance } from '../../src/platform/http/app-instance.ts';
import { buildApp } from '../../src/platform/http/build-app.ts';
import { createServices, type Services } from '../../src/platform/services.ts';
import { bearer } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

type Limits = Pick<Config, 'rateLimit' | 'http'>;

function limits(env: Record<string, string>): Limits {
  const { rateLimit, http } = loadConfig(env);
  return { rateLimit, http };
}

let database: TestDatabase;
let services: Services;
const apps: AppInstance[] = [];
let adminKey: string;

const built = new Map<string, Promise<AppInstance>>();

/** An app with these settings; tests asking for the same settings share one (building one takes seconds). */
function app(env: Record<string, string>, own?: Services): Promise<AppInstance> {
  const key = JSON.stringify(env);
  const hit = own ? undefined : built.get(key);
  if (hit) return hit;
  const made = (async () => {
    const a = await buildApp({ services: own ?? services, limits: limits(env) });
    await a.ready();
    apps.push(a);
    return a;
  })();
  if (!own) built.set(key, made);
  return made;
}

/** Small budgets, each test spending a different one. */
const SMALL = {
  RATE_LIMIT_WINDOW_MS: '60000',
  RATE_LIMIT_VIEWER: '3',
  RATE_LIMIT_ADMIN: '5',
  RATE_LIMIT_ANONYMOUS: '2',
  RATE_LIMIT_FAILED_AUTH: '3',
  RATE_LIMIT_FAILED_AUTH_WINDOW_MS: '60000',
};

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(database.db);
  adminKey = (await services.keys.create({ name: 'admin', role: 'admin' }, 'test')).key;
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await database.drop();
});

function expectRateLimited(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(429);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ code: 'rate-limited', status: 429 });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('per-key rate limits', () => {
  it('counts per API key with a budget per role, shows the standard headers, and refuses with a 429 problem', async () => {
    const a = await app(SMALL);
    const viewer = (await services.keys.create({ name: 'v1', role: 'viewer' }, 'test')).key;
    const other = (await services.keys.create({ name: 'v2', role: 'viewer' }, 'test')).key;
    for (const remaining of [2, 1, 0]) {
      const res = await a.inject({ url: '/v1/me', headers: bearer(viewer) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const refused = await a.inject({ url: '/v1/me', headers: bearer(viewer) });
    expectRateLimited(refused);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // Keyed by the key, not the address: another key from the same client has its own budget,
    // and the admin role its own size.
    expect((await a.inject({ url: '/v1/me', headers: bearer(other) })).statusCode).toBe(200);
    const admin = await a.inject({ url: '/v1/me', headers: { 'x-api-key': adminKey } });
    expect(admin.headers['ratelimit-limit']).toBe('5');
  });

  it('limits public routes per client address but never the probes', async () => {
    const a = await app(SMALL);
    for (let i = 0; i < 2; i++) expect((await a.inject({ url: '/docs/json' })).statusCode).toBe(200);
    expectRateLimited(await a.inject({ url: '/docs/json' }));
    expect((await a.inject({ url: '/docs/json', remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) {
      const health = await a.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('slows key guessing: after N failed authentications an address is refused before any key lookup', async () => {
    const a = await app(SMALL);
    const lookups = vi.spyOn(services.keys, 'authenticate');
    for (let i = 0; i < 3; i++)
      expect((await a.inject({ url: '/v1/nodes', headers: bearer(`og_guess-${i}`) })).statusCode).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(3);
    const blocked = await a.inject({ url: '/v1/nodes', headers: bearer('og_guess-4') });
    expectRateLimited(blocked);
    expect(lookups).toHaveBeenCalledTimes(3);
    // Another address is unaffected; successful requests never count as failures.
    const elsewhere = await a.inject({
      url: '/v1/nodes',
      headers: bearer(adminKey),
      remoteAddress: '10.0.0.7',
    });
    expect(elsewhere.statusCode).toBe(200);
    lookups.mockRestore();
  });

  it('0 turns a limit off', async () => {
    const a = await app({ RATE_LIMIT_VIEWER: '0', RATE_LIMIT_ADMIN: '0', RATE_LIMIT_ANONYMOUS: '0' });
    const viewer = (await services.keys.create({ name: 'v3', role: 'viewer' }, 'test')).key;
    const res = await a.inject({ url: '/v1/me', headers: bearer(viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });

  it('the default budgets are sized for machine traffic and read from the environment', () => {
    const defaults = limits({}).rateLimit;
    expect(defaults.perRole.integration).toBeGreaterThanOrEqual(20_000 * (defaults.windowMs / 1000));
    expect(() => limits({ RATE_LIMIT_VIEWER: '-1' })).toThrow(/RATE_LIMIT_VIEWER/);
  });
});

/** Sends raw bytes and resolves with everything the server wrote before closing. */
function raw(port: number, bytes: string | Buffer, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d;
    });
    socket.on('error', (err) =>
      (err as { code?: string }).code === 'ECONNRESET' ? resolve(out) : reject(err),
    );
    socket.on('close', () => resolve(out));
    socket.write(bytes);
    if (keepOpenMs === 0) socket.end();
  });
}

function problemCode(response: string): string {
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  expect(response).toMatch(/content-type: application\/problem\+json/i);
  return (JSON.parse(body) as { code: string }).code;
}

describe('size limits and timeouts', () => {
  it('answers an oversized body (413), oversized head (431), a slow request (408) and garbage (400) with problem+json', async () => {
    const a = await app({
      HTTP_BODY_LIMIT: '1000',
      HTTP_MAX_HEADER_BYTES: '2048',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
    });
    await a.listen({ port: 0, host: '127.0.0.1' });
    const address = a.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const big = await a.inject({
      method: 'PUT',
      url: '/v1/items/SKU-1',
      headers: { ...bearer(adminKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('payload-too-large');

    const longHead = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(4096)}\r\n\r\n`);
    expect(longHead).toMatch(/^HTTP\/1\.1 431/);
    expect(problemCode(longHead)).toBe('headers-too-large');

    const garbage = await raw(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(problemCode(garbage)).toBe('malformed-request');

    const started = Date.now();
    const slow = await raw(port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 1);
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    expect(problemCode(slow)).toBe('request-timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('inputs the fuzzer found answered with a 5xx or a non-problem body', () => {
  it('refuses NUL in text, invalid percent-encoding and over-long path parameters with problems', async () => {
    const a = await app({});
    const nul = await a.inject({
      method: 'PUT',
      url: '/v1/items/SKU-NUL',
      headers: bearer(adminKey),
      payload: { name: 'a\u0000b', weight: 1, sizeClass: 'small', hazmat: false, oversize: false },
    });
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json().code).toBe('invalid-request');
    expect((await a.inject({ url: '/v1/items/SKU-NUL', headers: bearer(adminKey) })).statusCode).toBe(404);
    // An unpaired surrogate is valid JSON but not storable in jsonb (reservation owners, event payloads).
    const surrogate = await a.inject({
      method: 'PUT',
      url: '/v1/items/SKU-SURROGATE',
      headers: { ...bearer(adminKey), 'content-type': 'application/json' },
      payload:
        '{"name":"x","weight":1,"sizeClass":"small","hazmat":false,"oversize":false,"attributes":{"a":"\\ud800"}}',
    });
    expect(surrogate.statusCode, surrogate.body).toBe(400);
    expect(surrogate.json().code).toBe('invalid-request');
    const nulPath = await a.inject({ url: '/v1/policies/%00', headers: bearer(adminKey) });
    expect(nulPath.statusCode).toBeLessThan(500);
    const badEncoding = await a.inject({ url: '/v1/nodes/%E0%A4%A', headers: bearer(adminKey) });
    expect(badEncoding.statusCode).toBe(400);
    expect(String(badEncoding.headers['content-type'])).toContain('application/problem+json');
    expect(badEncoding.json().code).toBe('malformed-request');
    const long = await a.inject({ url: `/v1/nodes/${'x'.repeat(101)}`, headers: bearer(adminKey) });
    expect(long.statusCode).toBe(414);
    expect(long.json().code).toBe('uri-too-long');
  });
});

describe('revoked keys across instances', () => {
  it('a key revoked through one instance stops working on another within the 5 s key cache', async () => {
    const a = await app({});
    const b = await app({}, createServices(database.db)); // its own key cache, as another process has
    const { key } = await services.keys.create({ name: 'short-lived', role: 'viewer' }, 'test');
    expect((await b.inject({ url: '/v1/me', headers: bearer(key) })).statusCode).toBe(200); // now cached in b
    const id = (await a.inject({ url: '/v1/me', headers: bearer(key) })).json().keyId;
    expect(
      (await a.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: bearer(adminKey) })).statusCode,
    ).toBe(200);
    expect((await a.inject({ url: '/v1/me', headers: bearer(key) })).statusCode).toBe(401); // at once where revoked
    expect((await b.inject({ url: '/v1/me', headers: bearer(key) })).statusCode).toBe(200); // b trusts its cache
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 5_001);
      expect((await b.inject({ url: '/v1/me', headers: bearer(key) })).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});
