import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { item, storeNode } from '../support/fixtures.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * SIGTERM on a real process: it stops taking connections, finishes the request in flight (held
 * on a row lock this test owns until after the signal) and the running job (a webhook send held
 * by a slow receiver), records their outcomes, and exits 0.
 */
const KEY = 'og_test_graceful_shutdown_admin_key_012345';
let database: TestDatabase;
let server: ServerProcess;
const receiver = new WebhookReceiver();

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function until(ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const receipt = (quantity: number, sourceId: string) => ({
  kind: 'receipt',
  nodeId: 'GS-DC',
  sku: 'GS-A',
  quantity,
  source: 'shutdown',
  sourceId,
  asOf: new Date().toISOString(),
});

beforeAll(async () => {
  database = await createTestDatabase(2);
  server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_DEMO: 'false',
    ORDERGRID_ADMIN_KEY: KEY,
    ORDERGRID_WORKER: 'true',
    DATABASE_POOL_SIZE: '4',
  });
}, 180_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await receiver.stop();
  await database?.drop();
});

describe('graceful shutdown', { timeout: 120_000 }, () => {
  it('SIGTERM finishes the request and the job in flight, refuses new work, and exits 0', async () => {
    expect((await api('PUT', '/v1/nodes/GS-DC', storeNode({ kind: 'warehouse' }))).status).toBe(201);
    expect((await api('PUT', '/v1/items/GS-A', item())).status).toBe(201);
    expect((await api('POST', '/v1/inventory/adjustments', receipt(5, 'r1'))).status).toBe(200);
    const hook = await api('POST', '/v1/webhooks', {
      url: await receiver.start(),
      eventTypes: ['item.*'],
      secret: receiver.secret,
    });
    expect(hook.status).toBe(201);

    // A job in flight: the webhook send of a new item, held by a slow receiver.
    receiver.delayMs = 2_500;
    expect((await api('PUT', '/v1/items/GS-B', item())).status).toBe(201);
    const sending = await until(
      () => receiver.inFlight > 0 && receiver.arrivals.some((a) => a.aggregateId === 'GS-B'),
      30_000,
    );
    expect(sending).toBe(true);

    // A request in flight: a receipt blocked on the position's row lock, held here.
    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query("SELECT 1 FROM inventory_positions WHERE node_id = 'GS-DC' AND sku = 'GS-A' FOR UPDATE");
    const held = api('POST', '/v1/inventory/adjustments', receipt(3, 'r2'));
    const blocked = await until(async () => {
      const { rows } = await lock.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ordergrid' AND wait_event_type = 'Lock'",
      );
      return rows[0].n > 0;
    }, 10_000);
    expect(blocked).toBe(true);

    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      server.proc.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    // No new work: a new connection is refused (or, at worst, answered 503).
    const late = await fetch(`${server.baseUrl}/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    expect(server.proc.exitCode).toBeNull();

    await lock.query('ROLLBACK');
    await lock.end();
    const finished = await held;
    const answeredAt = Date.now();
    expect(finished.status).toBe(200);
    expect(finished.json.applied).toBe(1);

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at).toBeGreaterThanOrEqual(answeredAt - 50);
    // Promptly: the held webhook send is the longest thing left (a keep-alive socket must not hold it).
    expect(at - answeredAt).toBeLessThan(20_000);
    // The send in flight was finished and recorded before the process went.
    expect(receiver.inFlight).toBe(0);
    const attempts = await database.db
      .selectFrom('webhook_attempts')
      .select(['webhook_attempts.status'])
      .innerJoin('events', 'events.id', 'webhook_attempts.event_id')
      .where('events.aggregate_id', '=', 'GS-B')
      .execute();
    expect(attempts.map((a) => a.status)).toContain('delivered');
    const position = await database.db
      .selectFrom('inventory_positions')
      .select('on_hand')
      .where('node_id', '=', 'GS-DC')
      .where('sku', '=', 'GS-A')
      .executeTakeFirstOrThrow();
    expect(position.on_hand).toBe(8);
  });
});
