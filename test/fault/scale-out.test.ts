import { quickAddJob } from 'graphile-worker';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../orders/order-fixtures.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { type ClusterServer, ServerCluster } from '../support/server-cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { until } from '../support/until.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Scale-out: three `serve` processes with their workers on (the fulfilment timer loop, the
 * graphile-worker jobs and the webhook dispatcher in each) on one database. Timers and background
 * work take effect exactly once however many instances run them, and every instance's in-memory
 * availability index agrees after changes written through the others. (The in-process proofs are
 * in test/fulfilment/lifecycle.test.ts, test/inventory/reservations.test.ts,
 * test/events/webhooks-delivery.test.ts and test/availability/availability-freshness.test.ts.)
 */
const INSTANCES = 3;
const ORDERS = 12;
const ADMIN_KEY = 'og_test_scale_out_admin_key_0123456789ab';
const NODES: Record<string, [number, number]> = {
  'SO-N1': [41.88, -87.63],
  'SO-N2': [39.1, -94.58],
  'SO-N3': [40.73, -74.17],
  'SO-N4': [33.75, -84.39],
};
const SKUS = ['SO-A', 'SO-B', 'SO-C'];
/** How long a change may take to show in every instance (the bench measures ~3 ms p99 when quiet). */
const FRESH_WITHIN_MS = 2_000;

let database: TestDatabase;
const cluster = new ServerCluster(ADMIN_KEY, 16);
const receiver = new WebhookReceiver();
const servers = cluster.servers;
let webhookFrom = 0;

/**
 * A call that must succeed. A 503 (the shared database out of connections for a moment) is retried
 * as its retry hint asks, as any client would: every write here is idempotent (order ids, feed
 * source ids), so a retry cannot apply anything twice.
 */
async function ok(server: ClusterServer, method: string, path: string, body?: unknown): Promise<Json> {
  for (let attempt = 0; ; attempt++) {
    const res = await cluster.call<Json>(server, method, path, body);
    if (res.status === 503 && attempt < 5) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }
}

async function reservedAt(nodeId: string, sku: string): Promise<number> {
  const row = await database.db
    .selectFrom('inventory_positions')
    .select('reserved')
    .where('node_id', '=', nodeId)
    .where('sku', '=', sku)
    .executeTakeFirstOrThrow();
  return row.reserved;
}

/** The `n` of a one-row count or sum. */
async function n(query: RawBuilder<unknown>): Promise<number> {
  const { rows } = await query.execute(database.db);
  return (rows[0] as { n: number }).n;
}

function byInstance(i: number): ClusterServer {
  return servers[i % servers.length]!;
}

beforeAll(async () => {
  database = await createTestDatabase(4);
  const env = {
    ORDERGRID_WORKER: 'true',
    DATABASE_POOL_SIZE: '6',
    // The same key on every instance: any of them may open the webhook's sealed secret.
    ORDERGRID_SECRET_KEY: '5c'.repeat(32),
  };
  // All at once, as a deployment would: migrations and the job schema are safe to run in parallel.
  await Promise.all(Array.from({ length: INSTANCES }, () => cluster.start(database.url, env)));
  const first = servers[0]!;
  for (const [id, [lat, lon]] of Object.entries(NODES))
    await ok(first, 'PUT', `/v1/nodes/${id}`, storeNode({ name: id, lat, lon, dailyCapacity: null }));
  for (const sku of SKUS) await ok(first, 'PUT', `/v1/items/${sku}`, item({ name: sku }));
  await ok(
    first,
    'POST',
    '/v1/inventory/adjustments',
    Object.keys(NODES).flatMap((nodeId) =>
      SKUS.map((sku) => ({
        kind: 'receipt',
        nodeId,
        sku,
        quantity: 50,
        source: 'test',
        sourceId: `${nodeId}:${sku}`,
        sequence: 1,
      })),
    ),
  );
  const url = await receiver.start();
  // Every event: the cursor it starts from is the outbox position at creation.
  const created = await ok(first, 'POST', '/v1/webhooks', {
    url,
    secret: receiver.secret,
    eventTypes: ['*'],
  });
  webhookFrom = created.webhook.cursor;
}, 180_000);

afterAll(async () => {
  await cluster.stopAll();
  await receiver.stop();
  await database?.drop();
});

describe('scale-out: three instances with workers on one database', () => {
  it('re-routes each fulfilment order whose SLA expired exactly once', async () => {
    const [lat, lon] = NODES['SO-N1']!;
    const orders = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        ok(byInstance(i), 'POST', '/v1/orders', {
          channel: 'web',
          externalId: `so-${i}`,
          customer: { id: `c${i}` },
          destination: { lat, lon },
          lines: [{ sku: 'SO-A', quantity: 1, price: 10 }],
        }),
      ),
    );
    const first = orders.map((o) => o.fulfilmentOrders[0] as Json);
    expect(first.every((f) => f.status === 'released')).toBe(true);
    const ids = first.map((f) => f.id as string);

    // Their accept-by passes now (in production: after the node kind's SLA minutes).
    await sql`UPDATE fulfilment_orders SET accept_by = now() - interval '1 second' WHERE id = ANY(${ids}::uuid[])`.execute(
      database.db,
    );
    const orderIds = orders.map((o) => o.id as string);
    const fos = () =>
      database.db
        .selectFrom('fulfilment_orders')
        .select(['id', 'order_id', 'node_id', 'status', 'reason'])
        .where('order_id', 'in', orderIds)
        .execute();
    await until(async () => {
      const rows = await fos();
      return rows.filter((r) => r.status === 'withdrawn').length === ORDERS && rows.length === 2 * ORDERS;
    }, 30_000);
    // Several more timer periods of every instance: a second withdrawal or re-route would show now.
    await new Promise((r) => setTimeout(r, 5_000));

    const rows = await fos();
    expect(rows).toHaveLength(2 * ORDERS);
    for (const o of orders) {
      const mine = rows.filter((r) => r.order_id === o.id);
      const before = mine.find((r) => r.id === o.fulfilmentOrders[0].id)!;
      const after = mine.find((r) => r.id !== before.id)!;
      expect(before).toMatchObject({ status: 'withdrawn', reason: 'sla-expired' });
      expect(after.status).toBe('released');
      expect(after.node_id).not.toBe(before.node_id);
    }
    const withdrawn = await sql<{ fo: string; n: number }>`
      SELECT payload->>'fulfilmentOrderId' AS fo, count(*)::int AS n FROM events
      WHERE type = 'fulfilment-order.withdrawn' GROUP BY 1`.execute(database.db);
    expect(withdrawn.rows.map((r) => r.fo).sort()).toEqual([...ids].sort());
    expect(withdrawn.rows.every((r) => r.n === 1)).toBe(true);
    // One routing decision at capture and one re-route per order (whichever timer got there first).
    const decisions = await sql<{ order_id: string; triggers: string[] }>`
      SELECT order_id, array_agg(trigger ORDER BY created_at) AS triggers FROM order_decisions
      WHERE order_id = ANY(${orderIds}::uuid[]) GROUP BY order_id`.execute(database.db);
    expect(decisions.rows).toHaveLength(ORDERS);
    for (const d of decisions.rows) {
      expect(d.triggers).toHaveLength(2);
      expect(['sla-expired', 'backorder']).toContain(d.triggers[1]);
    }
    // One open unit reserved per order, and the counters agree with the reservations.
    expect(
      await n(
        sql`SELECT coalesce(sum(quantity), 0)::int AS n FROM reservations WHERE status = 'open' AND sku = 'SO-A'`,
      ),
    ).toBe(ORDERS);
    expect(await n(sql`SELECT sum(reserved)::int AS n FROM inventory_positions WHERE sku = 'SO-A'`)).toBe(
      ORDERS,
    );
  }, 60_000);

  it('releases an expired cart hold once, even when every instance runs the release job at once', async () => {
    const before = await reservedAt('SO-N2', 'SO-B');
    const hold = await ok(servers[1]!, 'POST', '/v1/reservations', {
      lines: [{ nodeId: 'SO-N2', sku: 'SO-B', quantity: 2 }],
      owner: { type: 'cart', id: 'so-cart' },
      expiresAt: new Date(Date.now() + 500).toISOString(),
    });
    expect(hold.reservations).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 600));
    // The crontab adds one such job a minute; here nine at once, so all three workers race on it.
    for (let i = 0; i < 9; i++)
      await quickAddJob({ pgPool: database.pool }, 'release-expired-reservations', {});
    const jobs = sql<{ n: number }>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'release-expired-reservations'`;
    await until(async () => (await n(jobs)) === 0, 30_000);

    const reservation = await database.db
      .selectFrom('reservations')
      .select(['status', 'quantity', 'released'])
      .where('owner_type', '=', 'cart')
      .where('owner_id', '=', 'so-cart')
      .executeTakeFirstOrThrow();
    expect(reservation).toMatchObject({ status: 'expired', quantity: 0, released: 2 });
    expect(await reservedAt('SO-N2', 'SO-B')).toBe(before);
    expect(
      await n(sql`SELECT count(*)::int AS n FROM events
        WHERE type = 'reservation.expired' AND aggregate_id = 'cart:so-cart'`),
    ).toBe(1);
    expect(
      await n(sql`SELECT count(*)::int AS n FROM inventory_movements
        WHERE kind = 'release' AND reason = 'expired' AND node_id = 'SO-N2' AND sku = 'SO-B'`),
    ).toBe(1);
  }, 60_000);

  it('keeps every instance’s availability index consistent after a burst of changes through all of them', async () => {
    const nodes = Object.keys(NODES);
    // 60 deltas on 12 positions, sent concurrently and spread over the instances, and a node
    // taken offline through one instance: each instance applies what the others wrote.
    const burst = Array.from({ length: 60 }, (_, i) =>
      ok(byInstance(i), 'POST', '/v1/inventory/adjustments', {
        nodeId: nodes[i % nodes.length],
        sku: SKUS[Math.floor(i / nodes.length) % SKUS.length],
        quantity: (i % 2 === 0 ? 1 : -1) * (1 + (i % 5)),
        source: 'burst',
        sourceId: `burst-${i}`,
        asOf: new Date().toISOString(),
      }),
    );
    await Promise.all([...burst, ok(servers[2]!, 'PATCH', '/v1/nodes/SO-N4', { status: 'offline' })]);
    const done = performance.now();

    const positions = await database.db
      .selectFrom('inventory_positions')
      .select(['node_id', 'sku', 'on_hand', 'reserved', 'safety_stock'])
      .where('sku', 'in', SKUS)
      .execute();
    const truth = SKUS.map((sku) => ({
      sku,
      networkAtp: positions
        .filter((p) => p.sku === sku && p.node_id !== 'SO-N4')
        .reduce((s, p) => s + Math.max(0, p.on_hand - p.reserved - p.safety_stock), 0),
    }));
    const query = `/v1/availability?skus=${SKUS.join(',')}&detail=true`;
    let views: Json[] = [];
    await until(async () => {
      views = await Promise.all(servers.map((s) => ok(s, 'GET', query)));
      return views.every(
        (v) =>
          JSON.stringify(v.items.map((i: Json) => ({ sku: i.sku, networkAtp: i.networkAtp }))) ===
          JSON.stringify(truth),
      );
    }, 10_000);
    const convergedMs = performance.now() - done;
    expect(convergedMs).toBeLessThan(FRESH_WITHIN_MS);
    // Node by node, too: the same positions and ATP everywhere.
    expect(views[1]!.items).toEqual(views[0]!.items);
    expect(views[2]!.items).toEqual(views[0]!.items);
    await ok(servers[0]!, 'PATCH', '/v1/nodes/SO-N4', { status: 'online' });
  }, 60_000);

  it('delivers every webhook event exactly once with three dispatchers', async () => {
    const expected = async () =>
      (
        await sql<{ id: string }>`SELECT id FROM events WHERE position > ${webhookFrom}`.execute(database.db)
      ).rows.map((r) => r.id);
    let want: string[] = [];
    await until(async () => {
      want = await expected();
      const got = receiver.ids();
      return want.length > 0 && want.every((id) => got.has(id));
    }, 30_000);
    // A few dispatch periods more: a second delivery of anything would arrive now.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.redeliveries()).toBe(0);
    expect([...receiver.ids()].sort()).toEqual((await expected()).sort());
    expect(receiver.outOfOrder()).toEqual([]);
    expect(want.length).toBeGreaterThan(ORDERS * 4);
  }, 60_000);
});
