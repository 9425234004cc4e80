import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema } from '../../src/platform/errors/problem.ts';
import { consoleStatic } from '../../src/platform/http/console-static.ts';
import { storeNode } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { ensureConsoleBuilt } from './console-harness.ts';

let t: TestApp;
beforeAll(async () => {
  ensureConsoleBuilt();
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('serving the console', () => {
  it('redirects /console, answers index.html for app paths and serves hashed assets for a year', async () => {
    expect((await t.app.inject({ url: '/console' })).headers.location).toBe('/console/');
    for (const url of ['/console/', '/console/orders/123', '/console/queue/ST-CHI-01?show=done']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="app">');
    }
    const index = (await t.app.inject({ url: '/console/' })).body;
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(asset).toBeDefined();
    const js = await t.app.inject({ url: asset! });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    // Everything is bundled: no CDN, no map tiles.
    expect(js.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|tile)/);
  });

  it('refuses what is not a console file', async () => {
    expect((await t.app.inject({ url: '/console/assets/missing.js' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/console/../package.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/console/%2e%2e/package.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/console/x' })).statusCode).toBe(405);
  });

  it('says how to build it when web/dist is missing, without failing the server', async () => {
    const app = Fastify();
    app.addSchema(ProblemSchema);
    await app.register(consoleStatic, { root: mkdtempSync(join(tmpdir(), 'ordergrid-no-console-')) });
    const res = await app.inject({ url: '/console/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await app.close();
  });

  it('tells a key its own role and nodes at /v1/me', async () => {
    const me = await t.app.inject({ url: '/v1/me', headers: bearer(t.adminKey) });
    expect(me.json()).toMatchObject({ role: 'admin', nodeIds: [] });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/nodes/ST-CHI-01',
      headers: bearer(t.adminKey),
      payload: storeNode(),
    });
    const associate = await t.keyFor('associate', ['ST-CHI-01']);
    const res = await t.app.inject({ url: '/v1/me', headers: bearer(associate) });
    expect(res.json()).toMatchObject({ role: 'associate', nodeIds: ['ST-CHI-01'] });
    expect(res.body).not.toContain(associate);
    expect((await t.app.inject({ url: '/v1/me' })).statusCode).toBe(401);
  });
});
