import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let server: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.close();
  await t.close();
});

async function webhookEvents(): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('events')
    .select('type')
    .where('aggregate_type', '=', 'webhook')
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.type);
}

describe('webhook subscriptions API', () => {
  it('refuses a bad URL, an unknown filter or a bad secret with a pointer, creating nothing', async () => {
    const headers = bearer(t.adminKey);
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'not a url', eventTypes: ['order.*'] }, '/url'],
      [{ url: 'ftp://example.com/x', eventTypes: ['order.*'] }, '/url'],
      [{ url: 'https://u:p@example.com/x', eventTypes: ['order.*'] }, '/url'],
      [{ url: 'https://example.com/x', eventTypes: ['order.*', 'ordr.*'] }, '/eventTypes/1'],
      [{ url: 'https://example.com/x', eventTypes: ['order.**'] }, '/eventTypes/0'],
      [{ url: 'https://example.com/x', eventTypes: ['order.*'], secret: 'whsec_short' }, '/secret'],
      [{ url: 'https://example.com/x', eventTypes: [] }, '/eventTypes'],
    ];
    for (const [payload, pointer] of cases) {
      const before = await snapshotState(t.database.db);
      const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(payload)).toBeLessThan(500);
      expect(res.json().pointer, JSON.stringify(payload)).toBe(pointer);
      expect(await snapshotState(t.database.db)).toEqual(before);
    }
  });

  it('creates, reads, changes and deletes, writing exactly one event per change', async () => {
    const headers = bearer(t.adminKey);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers,
      payload: { url: receiverUrl, eventTypes: ['order.*', 'node.created'], description: 'erp' },
    });
    expect(created.statusCode).toBe(201);
    const { webhook, secret } = created.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBe(32);
    expect(webhook.active).toBe(true);
    expect(await webhookEvents()).toEqual(['webhook.created']);

    const got = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${webhook.id}`, headers });
    expect(got.json()).toEqual(webhook);
    expect(got.body).not.toContain(secret);
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers });
    expect(list.json().items.map((w: { id: string }) => w.id)).toContain(webhook.id);
    expect(list.body).not.toContain(secret);

    const same = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${webhook.id}`,
      headers,
      payload: { description: 'erp' },
    });
    expect(same.json().version).toBe(1);
    expect(await webhookEvents()).toEqual(['webhook.created']);

    const paused = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${webhook.id}`,
      headers,
      payload: { active: false, eventTypes: ['*'] },
    });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ active: false, eventTypes: ['*'], version: 2 });
    expect(await webhookEvents()).toEqual(['webhook.created', 'webhook.updated']);

    const badPatch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${webhook.id}`,
      headers,
      payload: { eventTypes: ['nope.*'] },
    });
    expect(badPatch.statusCode).toBe(422);
    expect(badPatch.json()).toMatchObject({ code: 'invalid-webhook', pointer: '/eventTypes/0' });

    const del = await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${webhook.id}`, headers });
    expect(del.statusCode).toBe(204);
    expect(await webhookEvents()).toEqual(['webhook.created', 'webhook.updated', 'webhook.deleted']);
    const missing = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${webhook.id}`, headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('webhook-not-found');
  });

  it('accepts a provided secret, and the test message verifies with it (and fails when tampered)', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const headers = bearer(t.adminKey);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers,
      payload: { url: receiverUrl, eventTypes: ['*'], secret },
    });
    expect(created.json().secret).toBe(secret);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${created.json().webhook.id}/test`,
      headers,
    });
    expect(res.json()).toMatchObject({ ok: true, responseCode: 204, error: null });
    const msg = received.find((r) => r.headers['webhook-id'] === res.json().messageId);
    expect(msg).toBeDefined();
    const verified = new Verifier(secret).verify(msg!.body, msg!.headers) as { type: string };
    expect(verified.type).toBe('webhook.test');
    expect(() => new Verifier(secret).verify(msg!.body.replace('test', 'tost'), msg!.headers)).toThrow();
  });

  it('only admins manage webhooks', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/webhooks',
      headers: bearer(await t.keyFor('integration')),
    });
    expect(res.statusCode).toBe(403);
  });
});
