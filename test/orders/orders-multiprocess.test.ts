import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { type ClusterServer, ServerCluster } from '../support/server-cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import type { Json } from './order-fixtures.ts';

/**
 * The acceptance proof of capture under load: four server processes on one PostgreSQL, 1,000
 * orders from 50 concurrent clients on scarce stock, one order in five sent twice at once to two
 * different processes. No unit is oversold, no channel order id gives two orders, every accepted
 * order is stored (served or waiting), every unit of every line is accounted for, and the
 * inventory ledger verifies.
 */
const PROCESSES = 4;
const CLIENTS = 50;
const ORDERS = 1_000;
const NODES = ['MP-DC1', 'MP-DC2', 'MP-ST1', 'MP-ST2', 'MP-ST3'];
const SKUS = Array.from({ length: 20 }, (_, i) => `MP-SKU-${i}`);
const ADMIN_KEY = 'og_test_orders_multiprocess_admin_key_01';
const COORDS: Record<string, [number, number]> = {
  'MP-DC1': [40.73, -74.17],
  'MP-DC2': [34.05, -118.24],
  'MP-ST1': [41.88, -87.63],
  'MP-ST2': [29.76, -95.37],
  'MP-ST3': [47.61, -122.33],
};

let database: TestDatabase;
const cluster = new ServerCluster(ADMIN_KEY, 32);
const servers = cluster.servers;
type Server = ClusterServer;

function call(server: Server, method: string, path: string, body?: unknown) {
  return cluster.call<Json>(server, method, path, body);
}

function startServer(): Promise<Server> {
  return cluster.start(database.url, { DATABASE_POOL_SIZE: '8' });
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

beforeAll(async () => {
  database = await createTestDatabase(4);
  await startServer();
  await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startServer()));
}, 400_000);

afterAll(async () => {
  if (process.env.ORDERS_MP_LOGS) {
    const { writeFileSync } = await import('node:fs');
    for (const [i, s] of servers.entries())
      writeFileSync(`${process.env.ORDERS_MP_LOGS}-${i}.log`, s.log.join(''));
  }
  await cluster.stopAll();
  await database?.drop();
});

describe('orders across processes', () => {
  it(`${ORDERS} orders, ${CLIENTS} clients, duplicates, scarce stock: no oversell, no duplicate, none lost`, async () => {
    const admin = servers[0]!;
    for (const id of NODES) {
      const [lat, lon] = COORDS[id]!;
      const kind = id.includes('DC') ? 'warehouse' : 'store';
      expect(
        (
          await call(
            admin,
            'PUT',
            `/v1/nodes/${id}`,
            storeNode({ kind, lat, lon, dailyCapacity: null, cutoffTime: '23:59' }),
          )
        ).status,
      ).toBe(201);
    }
    for (const sku of SKUS) expect((await call(admin, 'PUT', `/v1/items/${sku}`, item())).status).toBe(201);
    const random = rng(7);
    const receipts = SKUS.flatMap((sku) =>
      NODES.map((nodeId) => ({
        kind: 'receipt',
        nodeId,
        sku,
        quantity: Math.floor(random() * 8),
        source: 'mp-test',
        sourceId: `${sku}:${nodeId}`,
        sequence: 1,
      })),
    ).filter((r) => r.quantity > 0);
    expect((await call(admin, 'POST', '/v1/inventory/adjustments', receipts)).status).toBe(200);
    const supply = receipts.reduce((s, r) => s + r.quantity, 0);
    // Let every process's availability index see the receipts (they would cope anyway: a stale index only costs a retry).
    await new Promise((r) => setTimeout(r, 500));

    const bodies = Array.from({ length: ORDERS }, (_, i) => {
      const n = 1 + Math.floor(random() * 2);
      const skus = [...new Set(Array.from({ length: n }, () => SKUS[Math.floor(random() * SKUS.length)]!))];
      return {
        channel: 'web',
        externalId: `MP-${i}`,
        customer: { id: `c${i}` },
        destination: { lat: 25 + random() * 22, lon: -120 + random() * 45 },
        lines: skus.map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 2), price: 9.99 })),
      };
    });
    const demand = bodies.reduce((s, b) => s + b.lines.reduce((t, l) => t + l.quantity, 0), 0);
    expect(demand).toBeGreaterThan(supply);

    const ids = new Map<string, Set<string>>();
    const statuses: number[] = [];
    let next = 0;
    let retries = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (;;) {
          const i = next++;
          if (i >= ORDERS) return;
          const body = bodies[i]!;
          const twice = i % 5 === 0;
          const sends = twice
            ? [servers[i % PROCESSES]!, servers[(i + 1) % PROCESSES]!]
            : [servers[(i + client) % PROCESSES]!];
          // Clients retry what the server asks them to retry (503): capture is idempotent, so a retry is safe.
          const send = async (s: Server) => {
            for (let attempt = 0; ; attempt++) {
              const r = await call(s, 'POST', '/v1/orders', body);
              if (r.status !== 503 || attempt >= 20) return r;
              retries++;
              await new Promise((w) => setTimeout(w, 100 + attempt * 100));
            }
          };
          const results = await Promise.all(sends.map(send));
          for (const r of results) {
            statuses.push(r.status);
            if (r.status !== 200 && r.status !== 201)
              throw new Error(
                `${body.externalId}: ${r.status} ${JSON.stringify(r.json)}\n${servers.map((s) => s.log.join('').slice(-1500)).join('\n')}`,
              );
            const set = ids.get(body.externalId) ?? new Set<string>();
            set.add(r.json.id);
            ids.set(body.externalId, set);
          }
        }
      }),
    );
    const ms = Date.now() - started;
    console.log(
      `${ORDERS} orders (+${ORDERS / 5} duplicates) in ${ms} ms: ${Math.round((ORDERS * 1000) / ms)} orders/s, ${retries} retries after 503`,
    );

    // No duplicate: every channel order id answered with one order id, and exactly one 201 per order.
    expect(statuses.filter((s) => s === 201)).toHaveLength(ORDERS);
    for (const set of ids.values()) expect(set.size).toBe(1);
    const { db } = database;
    const stored = await db.selectFrom('orders').select(['id', 'external_id', 'status']).execute();
    expect(stored).toHaveLength(ORDERS);
    // None lost: every answered id is stored.
    const byExt = new Map(stored.map((o) => [o.external_id, o.id]));
    for (const [ext, set] of ids) expect(byExt.get(ext)).toBe([...set][0]);

    // No oversell, and every unit of every line accounted for.
    const positions = await db
      .selectFrom('inventory_positions')
      .select(['node_id', 'sku', 'on_hand', 'reserved'])
      .execute();
    for (const p of positions) expect(p.reserved, `${p.node_id}/${p.sku}`).toBeLessThanOrEqual(p.on_hand);
    const totals = await sql<{
      qty: number;
      allocated: number;
      pending: number;
      fo_units: number;
      reserved: number;
    }>`
      SELECT (SELECT sum(quantity)::int FROM order_lines) AS qty,
        (SELECT sum(allocated)::int FROM order_lines) AS allocated,
        (SELECT sum(quantity - cancelled - allocated - shipped)::int FROM order_lines) AS pending,
        (SELECT sum(quantity)::int FROM fulfilment_order_lines) AS fo_units,
        (SELECT sum(quantity)::int FROM reservations WHERE status = 'open' AND owner_type = 'order') AS reserved`.execute(
      db,
    );
    const t = totals.rows[0]!;
    expect(t.qty).toBe(demand);
    expect(t.allocated).toBe(t.fo_units);
    expect(t.reserved).toBe(t.allocated);
    expect(t.allocated + t.pending).toBe(demand);
    expect(t.allocated).toBeLessThanOrEqual(supply);
    // Scarce stock is used, not stranded by stale indexes: what is left could not serve any waiting line.
    const stranded = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM order_lines l JOIN inventory_positions p ON p.sku = l.sku
      WHERE l.quantity - l.cancelled - l.allocated - l.shipped > 0 AND p.on_hand - p.reserved - p.safety_stock > 0`.execute(
      db,
    );
    expect(stranded.rows[0]!.n).toBe(0);
    const waiting = stored.filter((o) => o.status === 'backordered').length;
    console.log(
      `allocated ${t.allocated}/${supply} units; ${waiting} orders waiting entirely, ${t.pending} units backordered`,
    );

    const report = await verifyLedger(db);
    expect(report.breaches).toEqual([]);
  }, 120_000);
});
