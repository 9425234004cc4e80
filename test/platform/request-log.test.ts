import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../../src/platform/http/app-instance.ts';
import { buildApp } from '../../src/platform/http/build-app.ts';
import { type RequestLogSettings, requestLogSettings } from '../../src/platform/http/request-log.ts';
import { createServices, type Services } from '../../src/platform/services.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

class Lines extends Writable {
  readonly lines: { level: number; msg: string; res?: { statusCode: number } }[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(l));
    done();
  }
  messages() {
    return this.lines.map((l) => `${l.level} ${l.msg} ${l.res?.statusCode ?? ''}`.trim());
  }
}

let database: TestDatabase;
let services: Services;
const apps: AppInstance[] = [];

async function appWith(requestLog: RequestLogSettings, level = 'info') {
  const out = new Lines();
  const app = await buildApp({ services, requestLog, logger: { level, stream: out } });
  await app.ready();
  apps.push(app);
  return { app, out };
}

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(database.db);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await database.drop();
});

describe('request logging (ORDERGRID_REQUEST_LOG)', () => {
  it('failures (default): no line for a fast success at info, one line for a 4xx; every line at debug', async () => {
    expect(requestLogSettings({})).toEqual({ mode: 'failures', slowMs: 1000 });
    const { app, out } = await appWith({ mode: 'failures', slowMs: 1000 });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect(out.lines).toHaveLength(0);
    expect((await app.inject({ url: '/v1/nodes' })).statusCode).toBe(401);
    expect(out.messages()).toEqual(['30 request completed 401']);

    const debug = await appWith({ mode: 'failures', slowMs: 1000 }, 'debug');
    await debug.app.inject({ url: '/health' });
    expect(debug.out.messages()).toEqual(['20 incoming request', '20 request completed 200']);
  });

  it('failures: a request slower than ORDERGRID_SLOW_REQUEST_MS is logged at warn', async () => {
    const { app, out } = await appWith({ mode: 'failures', slowMs: 0 });
    await app.inject({ url: '/health' });
    expect(out.messages()).toEqual(['40 request completed 200']);
  });

  it('all logs both lines of every request at info; off logs none', async () => {
    const all = await appWith({ mode: 'all', slowMs: 1000 });
    await all.app.inject({ url: '/health' });
    expect(all.out.messages()).toEqual(['30 incoming request', '30 request completed 200']);
    const off = await appWith({ mode: 'off', slowMs: 1000 }, 'debug');
    await off.app.inject({ url: '/v1/nodes' });
    expect(off.out.lines.filter((l) => l.msg.includes('request'))).toHaveLength(0);
  });

  it('refuses an unknown mode or a bad threshold', () => {
    expect(() => requestLogSettings({ ORDERGRID_REQUEST_LOG: 'verbose' })).toThrow(/ORDERGRID_REQUEST_LOG/);
    expect(() => requestLogSettings({ ORDERGRID_SLOW_REQUEST_MS: 'soon' })).toThrow(
      /ORDERGRID_SLOW_REQUEST_MS/,
    );
  });
});
