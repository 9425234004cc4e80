import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../../src/platform/http/app-instance.ts';
import { buildApp } from '../../src/platform/http/build-app.ts';
import { createServices } from '../../src/platform/services.ts';
import { startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Everything the app logs, line by line, as a real pino logger writes it. */
class CapturedLog extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

function expectNowhere(lines: string[], secrets: string[]) {
  expect(lines.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    // The whole secret, and any long piece of it (a log that truncates or splits must not leak either).
    const pieces = [secret, secret.slice(0, 20), secret.slice(-20)];
    for (const line of lines)
      for (const piece of pieces) expect(line, `log line leaks a secret`).not.toContain(piece);
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('secrets never reach the log', () => {
  let app: AppInstance;
  let receiver: Server;
  let receiverUrl: string;
  const log = new CapturedLog();
  beforeAll(async () => {
    const services = createServices(database.db);
    // The logger configuration `ordergrid serve` uses, at debug level.
    app = await buildApp({
      services,
      logger: {
        level: 'debug',
        stream: log,
        redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
      },
    });
    await app.ready();
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('keeps API keys, created keys and webhook secrets out of every log line, also on failures', async () => {
    const { key: adminKey } = await app.services.keys.create({ name: 'log admin', role: 'admin' }, 'test');
    const secrets = [adminKey];
    const auth = { authorization: `Bearer ${adminKey}` };
    const call = (method: 'POST' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    expect((await app.inject({ url: '/v1/me', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/me', headers: { 'x-api-key': adminKey } })).statusCode).toBe(200);

    const created = await call('POST', '/v1/keys', { name: 'integration', role: 'integration' });
    expect(created.statusCode).toBe(201);
    const integrationKey = created.json().key as string;
    secrets.push(integrationKey);
    expect(
      (await app.inject({ url: '/v1/nodes', headers: { 'x-api-key': integrationKey } })).statusCode,
    ).toBe(200);

    const chosenSecret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    secrets.push(chosenSecret);
    const hook = await call('POST', '/v1/webhooks', {
      url: receiverUrl,
      eventTypes: ['*'],
      secret: chosenSecret,
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const generated = await call('POST', '/v1/webhooks', { url: receiverUrl, eventTypes: ['order.*'] });
    expect(generated.statusCode).toBe(201);
    secrets.push(generated.json().secret as string);
    // A test message is signed with the secret and sent out.
    await call('POST', `/v1/webhooks/${hook.json().webhook.id}/test`);

    // Failures that carry secrets: refused keys, validation errors on secret fields, unknown fields.
    const refused = 'og_refused-key-that-looks-real-0123456789abcdef';
    secrets.push(refused);
    expect(
      (await app.inject({ url: '/v1/nodes', headers: { authorization: `Bearer ${refused}` } })).statusCode,
    ).toBe(401);
    const badSecret = 'whsec_this-is-not-base64-but-still-secret!!';
    secrets.push(badSecret);
    const invalid = await call('POST', '/v1/webhooks', {
      url: receiverUrl,
      eventTypes: ['*'],
      secret: badSecret,
    });
    expect(invalid.statusCode).toBeGreaterThanOrEqual(400);
    const strayPassword = 'hunter2-stray-password-in-a-body';
    secrets.push(strayPassword);
    const unknownField = await call('POST', '/v1/keys', {
      name: 'x',
      role: 'viewer',
      password: strayPassword,
    });
    expect(unknownField.statusCode).toBe(400);
    const tooLong = await call('PATCH', `/v1/webhooks/${hook.json().webhook.id}`, {
      secret: `${chosenSecret}${'x'.repeat(300)}`,
    });
    expect(tooLong.statusCode).toBe(400);

    // Requests were logged (so the check is not vacuous), none with a secret in it.
    expect(log.lines.some((l) => l.includes('"url":"/v1/webhooks"'))).toBe(true);
    expectNowhere(log.lines, secrets);
  });
});

describe('the generated bootstrap admin key', () => {
  it('is printed once for the operator, outside the structured log, and never logged when used (nor the secret key)', async () => {
    const fresh = await createTestDatabase();
    const secretKey = randomBytes(32).toString('base64'); // encrypts webhook secrets at rest
    const server = await startServer({
      DATABASE_URL: fresh.url,
      LOG_LEVEL: 'debug',
      ORDERGRID_WORKER: 'false',
      ORDERGRID_DEMO: 'false',
      ORDERGRID_ADMIN_KEY: '',
      ORDERGRID_SECRET_KEY: secretKey,
    });
    try {
      const key = /shown once, store it now\):\s+(og_\S+)/.exec(server.output())?.[1];
      expect(key, server.output()).toBeDefined();
      const me = await fetch(`${server.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      await fetch(`${server.baseUrl}/v1/nodes`, { headers: { 'x-api-key': key as string } });
      await fetch(`${server.baseUrl}/v1/nodes/%00`, { headers: { authorization: `Bearer ${key}` } });
      await new Promise((r) => setTimeout(r, 200)); // let the last log lines arrive
      const logLines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(logLines.some((l) => l.includes('/v1/me'))).toBe(true);
      expectNowhere(logLines, [key as string, secretKey]);
    } finally {
      await server.stop('SIGTERM');
      await fresh.drop();
    }
  }, 240_000); // starts a real server, slow on a busy machine
});
