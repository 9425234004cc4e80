import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/outbox.ts';
import { WebhookDispatcher } from '../../src/events/webhook-dispatcher.ts';
import { openSecret, sealedWith, sealSecret } from '../../src/events/webhook-secret.ts';
import {
  buildKeyring,
  KEY_FILE,
  keyId,
  parseKey,
  resolveKeyring,
  useKeyring,
} from '../../src/events/webhook-secret-key.ts';
import { resealSecrets } from '../../src/events/webhook-secret-reseal.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let server: Server;
let url: string;
const received: { body: string; headers: IncomingHttpHeaders }[] = [];
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const ring1 = buildKeyring(key1, [], 'environment');

beforeAll(async () => {
  t = await createTestApp();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  useKeyring(null);
  await t.close();
});
beforeEach(() => {
  useKeyring(ring1);
  received.length = 0;
});

const call = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: bearer(t.adminKey), ...(payload ? { payload } : {}) });

async function storedSecret(id: string): Promise<string> {
  const row = await t.database.db
    .selectFrom('webhook_subscriptions')
    .select('secret')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.secret;
}

/** Sends the signed test message and checks it verifies with `secret` (and not with `wrong`). */
async function verifiesWith(id: string, secret: string, wrong?: string): Promise<void> {
  received.length = 0;
  const res = await call('POST', `/v1/webhooks/${id}/test`);
  expect(res.json().ok, res.body).toBe(true);
  const msg = received[0]!;
  expect(new Verifier(secret).verify(msg.body, msg.headers as Record<string, string>)).toMatchObject({
    type: 'webhook.test',
  });
  if (wrong)
    expect(() => new Verifier(wrong).verify(msg.body, msg.headers as Record<string, string>)).toThrow();
}

describe('webhook secrets at rest', () => {
  it('stores the secret sealed, never shows it again, and still signs with it', async () => {
    const created = await call('POST', '/v1/webhooks', { url, eventTypes: ['order.*'] });
    expect(created.statusCode).toBe(201);
    const { webhook, secret } = created.json();
    const stored = await storedSecret(webhook.id);
    expect(stored).toMatch(/^og1\./);
    expect(stored).not.toContain(secret.slice(6));
    expect(sealedWith(stored)).toBe(keyId(key1));
    for (const path of ['/v1/webhooks', `/v1/webhooks/${webhook.id}`, '/v1/events?limit=1000']) {
      const res = await call('GET', path);
      expect(res.body).not.toContain(secret.slice(6));
      expect(res.body).not.toContain(stored);
    }
    await verifiesWith(webhook.id, secret);

    // A delivery from the queue is signed with the clear secret too.
    await t.database.db
      .transaction()
      .execute((trx) =>
        appendEvent(trx, { type: 'order.created', aggregateType: 'order', aggregateId: 'S-1', payload: {} }),
      );
    const d = new WebhookDispatcher({ db: t.database.db, timeoutMs: 1_000 });
    await d.drain();
    const hit = received.find(
      (r) => r.headers['webhook-id'] !== undefined && r.body.includes('order.created'),
    );
    expect(new Verifier(secret).verify(hit!.body, hit!.headers as Record<string, string>)).toMatchObject({
      type: 'order.created',
    });
  });

  it('rotates: a new secret returned once, one event without it; the old one no longer verifies', async () => {
    const { webhook, secret: old } = (await call('POST', '/v1/webhooks', { url, eventTypes: ['*'] })).json();
    const rotated = await call('POST', `/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret, webhook: after } = rotated.json();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    expect(after.version).toBe(webhook.version + 1);
    const events = (await call('GET', `/v1/events?aggregateType=webhook&aggregateId=${webhook.id}`)).json()
      .items;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['webhook.created', 'webhook.updated']);
    expect(events[1].payload.changed).toEqual(['secret']);
    expect(JSON.stringify(events)).not.toContain(secret.slice(6));
    await verifiesWith(webhook.id, secret, old);

    // PATCH with the same secret changes nothing; with another one, seals it and writes one event.
    const same = await call('PATCH', `/v1/webhooks/${webhook.id}`, { secret });
    expect(same.json().version).toBe(after.version);
    const mine = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const patched = await call('PATCH', `/v1/webhooks/${webhook.id}`, { secret: mine });
    expect(patched.json().version).toBe(after.version + 1);
    expect(await storedSecret(webhook.id)).toMatch(/^og1\./);
    await verifiesWith(webhook.id, mine, secret);
    const missing = await call('POST', `/v1/webhooks/${randomUUID()}/rotate-secret`);
    expect(missing.json().code).toBe('webhook-not-found');
  });

  it('a sealed value opens only for its own subscription, with an intact ciphertext and a known key', () => {
    const sealed = sealSecret('whsec_abc', 'sub-1', ring1);
    expect(openSecret(sealed, 'sub-1', ring1)).toBe('whsec_abc');
    expect(() => openSecret(sealed, 'sub-2', ring1)).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4]!, 'base64url');
    flipped[0]! ^= 1;
    parts[4] = flipped.toString('base64url');
    expect(() => openSecret(parts.join('.'), 'sub-1', ring1)).toThrow();
    expect(() => openSecret(sealed, 'sub-1', buildKeyring(key2, [], 'environment'))).toThrow(/lacks/);
    expect(() => openSecret(sealed, 'sub-1', null)).toThrow();
  });

  it('without a key, creating or rotating is refused with secret-key-missing and nothing changes', async () => {
    const { webhook } = (await call('POST', '/v1/webhooks', { url, eventTypes: ['*'] })).json();
    useKeyring(null);
    const before = await snapshotState(t.database.db);
    const created = await call('POST', '/v1/webhooks', { url, eventTypes: ['*'] });
    expect(created.statusCode).toBe(503);
    expect(created.json().code).toBe('secret-key-missing');
    const rotated = await call('POST', `/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.json().code).toBe('secret-key-missing');
    expect(await snapshotState(t.database.db)).toEqual(before);

    // A delivery that cannot be signed is not an attempt: it stays pending for an instance with the key.
    await t.database.db
      .transaction()
      .execute((trx) =>
        appendEvent(trx, { type: 'node.updated', aggregateType: 'node', aggregateId: 'K-1', payload: {} }),
      );
    const d = new WebhookDispatcher({ db: t.database.db, timeoutMs: 1_000, log: () => undefined });
    await d.drain();
    const row = await t.database.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('subscription_id', '=', webhook.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', attempts: 0 });
  });

  it('seals secrets stored in clear and re-seals under a new key (rotation), idempotently', async () => {
    const id = randomUUID();
    const plain = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    await t.database.db
      .insertInto('webhook_subscriptions')
      .values({ id, url, event_types: ['*'], description: null, secret: plain, disabled_reason: null })
      .execute();
    await verifiesWith(id, plain); // a clear secret keeps working before it is sealed
    expect((await resealSecrets(t.database.db, ring1)).sealed).toBeGreaterThanOrEqual(1);
    expect(sealedWith(await storedSecret(id))).toBe(keyId(key1));
    expect((await resealSecrets(t.database.db, ring1)).sealed).toBe(0);
    await verifiesWith(id, plain);

    const ring2 = buildKeyring(key2, [key1], 'environment');
    await resealSecrets(t.database.db, ring2);
    expect(sealedWith(await storedSecret(id))).toBe(keyId(key2));
    useKeyring(ring2);
    await verifiesWith(id, plain);
    // The old key alone can no longer open it; a reseal with it reports the rows it cannot read.
    const unreadable = await resealSecrets(t.database.db, ring1);
    expect(unreadable.unreadable).toBeGreaterThanOrEqual(1);
    expect(unreadable.sealed).toBe(0);
  });

  it('finds its key: the environment, a generated 0600 key file on the embedded default, none with DATABASE_URL', async () => {
    expect(parseKey(key1.toString('hex'), 'K')).toEqual(key1);
    expect(parseKey(key1.toString('base64'), 'K')).toEqual(key1);
    expect(() => parseKey('too-short', 'ORDERGRID_SECRET_KEY')).toThrow(/ORDERGRID_SECRET_KEY/);
    const env = await resolveKeyring({
      secretKey: key1.toString('base64'),
      secretKeyPrevious: [key2.toString('hex')],
      databaseUrl: 'postgres://x',
      dataDir: '/nonexistent',
    });
    expect(env.keyring?.current.id).toBe(keyId(key1));
    expect(env.keyring?.byId.get(keyId(key2))).toEqual(key2);

    const none = await resolveKeyring({
      secretKey: undefined,
      secretKeyPrevious: [],
      databaseUrl: 'postgres://x',
      dataDir: '/nonexistent',
    });
    expect(none.keyring).toBeNull();
    expect(none.warning).toMatch(/ORDERGRID_SECRET_KEY/);

    const dir = await mkdtemp(join(tmpdir(), 'og-key-'));
    try {
      const embedded = { secretKey: undefined, secretKeyPrevious: [], databaseUrl: undefined, dataDir: dir };
      const first = await resolveKeyring(embedded);
      expect((await stat(join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
      const again = await resolveKeyring(embedded);
      expect(again.keyring?.current.id).toBe(first.keyring?.current.id);
      await writeFile(join(dir, KEY_FILE), `${key2.toString('base64')}\n`);
      await chmod(join(dir, KEY_FILE), 0o644);
      const loose = await resolveKeyring(embedded);
      expect(loose.keyring?.current.id).toBe(keyId(key2));
      expect(loose.warning).toMatch(/0600/);
      expect((await stat(join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
