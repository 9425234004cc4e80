import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickAddJob } from 'graphile-worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Database loss, for real: the service runs on its own PostgreSQL cluster (never the machine's),
 * which the test stops and starts again. While it is down, requests fail fast with a 503 problem
 * and a retry hint, /ready says not ready and /health stays up; once it is back, the same process
 * recovers by itself: requests succeed, the availability index (LISTEN) follows new changes, jobs
 * run and webhooks are delivered again.
 */
const dir = mkdtempSync(join(tmpdir(), 'ordergrid-dbloss-'));
const dataDir = join(dir, 'pg');
const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
const KEY = 'og_test_database_loss_admin_key_0123456789';
let cluster: EmbeddedCluster;
let server: ServerProcess;
const receiver = new WebhookReceiver();

async function api(method: string, path: string, body?: unknown) {
  const started = performance.now();
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    ms: performance.now() - started,
    type: res.headers.get('content-type') ?? '',
    retryAfter: res.headers.get('retry-after'),
    json: (text ? JSON.parse(text) : null) as Record<string, unknown>,
  };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch((err: unknown) => err as T);
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const order = (externalId: string) => ({
  channel: 'web',
  externalId,
  customer: { id: 'c1' },
  destination: { lat: 41.9, lon: -87.7 },
  lines: [{ sku: 'DBL-A', quantity: 1, price: 5 }],
});

const receipt = (sku: string, quantity: number, sourceId: string) => ({
  kind: 'receipt',
  nodeId: 'DBL-DC',
  sku,
  quantity,
  source: 'db-loss',
  sourceId,
  asOf: new Date().toISOString(),
});

async function atp(sku: string): Promise<number> {
  const r = await api('GET', `/v1/availability?skus=${sku}`);
  return Number((r.json.items as { networkAtp: number }[] | undefined)?.[0]?.networkAtp ?? -1);
}

beforeAll(async () => {
  cluster = await startEmbeddedPostgres({ dataDir, settings });
  server = await startServer({
    DATABASE_URL: cluster.connectionString,
    ORDERGRID_DEMO: 'false',
    ORDERGRID_ADMIN_KEY: KEY,
    ORDERGRID_WORKER: 'true',
    DATABASE_POOL_SIZE: '5',
  });
}, 180_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await cluster?.stop().catch(() => undefined);
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('database loss', { timeout: 180_000 }, () => {
  it('fails fast with 503 while PostgreSQL is down and recovers by itself when it is back', async () => {
    expect((await api('PUT', '/v1/nodes/DBL-DC', storeNode({ kind: 'warehouse' }))).status).toBe(201);
    for (const sku of ['DBL-A', 'DBL-B'])
      expect((await api('PUT', `/v1/items/${sku}`, item())).status).toBe(201);
    expect((await api('POST', '/v1/inventory/adjustments', receipt('DBL-A', 5, 'r1'))).status).toBe(200);
    const hook = await api('POST', '/v1/webhooks', {
      url: await receiver.start(),
      eventTypes: ['order.*'],
      secret: receiver.secret,
    });
    expect(hook.status).toBe(201);
    expect((await api('POST', '/v1/orders', order('DBL-1'))).status).toBe(201);
    expect(
      await until(
        () => atp('DBL-A'),
        (n) => n === 4,
        10_000,
      ),
    ).toBe(4);

    await cluster.stop();

    // At once (the API key still cached) and after the key cache ran out: a fast, clear 503.
    for (const wait of [0, 6_000]) {
      await new Promise((r) => setTimeout(r, wait));
      for (const [method, path, body] of [
        ['GET', '/v1/orders?limit=1', undefined],
        ['POST', '/v1/orders', order(`DBL-down-${wait}`)],
      ] as const) {
        const r = await api(method, path, body);
        expect(r.status, `${method} ${path} after ${wait} ms`).toBe(503);
        expect(r.type).toContain('application/problem+json');
        expect(r.json.code).toBe('database-unavailable');
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
        expect(r.ms).toBeLessThan(1_500);
      }
      const ready = await api('GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.json.code).toBe('database-unavailable');
      expect(ready.retryAfter).not.toBeNull();
      expect((await api('GET', '/health')).status).toBe(200);
    }

    // Back on the same address: the same process recovers without a restart.
    cluster = await startEmbeddedPostgres({ dataDir, settings, port: cluster.port });
    const ready = await until(
      () => api('GET', '/ready'),
      (r) => r.status === 200,
      30_000,
    );
    expect(ready.status).toBe(200);
    expect((await api('GET', '/v1/orders?limit=1')).status).toBe(200);
    const placed = await api('POST', '/v1/orders', order('DBL-2'));
    expect(placed.status).toBe(201);

    // The availability index listens again: a change made now shows up in it.
    expect((await api('POST', '/v1/inventory/adjustments', receipt('DBL-B', 7, 'r2'))).status).toBe(200);
    expect(
      await until(
        () => atp('DBL-B'),
        (n) => n === 7,
        20_000,
      ),
    ).toBe(7);

    // Jobs run again: a job queued now completes, and the new order's events reach the webhook.
    const probe = new pg.Pool({ connectionString: cluster.connectionString, max: 1 });
    probe.on('error', () => undefined);
    try {
      const job = await quickAddJob({ pgPool: probe }, 'release-expired-reservations', {});
      const left = await until(
        async () =>
          (
            await probe.query('SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE id = $1', [
              job.id,
            ])
          ).rows[0].n as number,
        (n) => n === 0,
        30_000,
      );
      expect(left).toBe(0);
    } finally {
      await probe.end();
    }
    const delivered = await until(
      async () =>
        receiver.arrivals.some((a) => a.type === 'order.created' && a.aggregateId === placed.json.id),
      Boolean,
      60_000,
    );
    expect(delivered).toBe(true);

    // The process never went down.
    expect(server.proc.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/uncaught|unhandled rejection/i);
  });
});
