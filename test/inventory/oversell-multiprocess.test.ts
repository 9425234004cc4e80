import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { type ClusterServer, ServerCluster } from '../support/server-cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The acceptance proof of "no oversell": four server processes on one PostgreSQL, 200 concurrent
 * buyers per round at 50 units spread over 5 nodes. Each buyer wants one unit and tries the nodes
 * in its own random order until one reserves, so every unit is taken: exactly 50 reservations
 * succeed every round, never more, and the ledger verifies afterwards.
 */
const PROCESSES = 4;
const NODES = ['OV-1', 'OV-2', 'OV-3', 'OV-4', 'OV-5'];
const UNITS_PER_NODE = 10;
const BUYERS = 200;
const ROUNDS = 4;
const ADMIN_KEY = 'og_test_oversell_admin_key_0123456789';

let database: TestDatabase;
const cluster = new ServerCluster(ADMIN_KEY, 64);
const servers = cluster.servers;
type Server = ClusterServer;

function call(server: Server, method: string, path: string, body?: unknown) {
  return cluster.call<unknown>(server, method, path, body);
}

function startServer(): Promise<Server> {
  return cluster.start(database.url, { DATABASE_POOL_SIZE: '8' });
}

async function buy(server: Server, nodeId: string, sku: string, cart: string) {
  const body = {
    lines: [{ nodeId, sku, quantity: 1 }],
    owner: { type: 'cart', id: cart },
    idempotencyKey: `${cart}:${nodeId}`,
  };
  try {
    return await call(server, 'POST', '/v1/reservations', body);
  } catch (err) {
    // A kept-alive socket can be reset under load; the idempotency key makes the retry safe.
    if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    return call(server, 'POST', '/v1/reservations', body);
  }
}

function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

beforeAll(async () => {
  database = await createTestDatabase(4);
  // The first start bootstraps the admin key; the others then start together.
  await startServer();
  await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startServer()));
}, 240_000);

afterAll(async () => {
  await cluster.stopAll();
  await database?.drop();
});

describe('no oversell across processes', () => {
  it(`reserves exactly ${NODES.length * UNITS_PER_NODE} units per round for ${BUYERS} concurrent buyers`, async () => {
    try {
      await buyRounds();
    } catch (err) {
      for (const [i, s] of servers.entries())
        console.error(`server ${i} (exit ${s.child.exitCode}):\n${s.log.join('')}`);
      throw err;
    }
  }, 150_000);
});

async function buyRounds() {
  const admin = servers[0]!;
  for (const id of NODES) {
    const res = await call(admin, 'PUT', `/v1/nodes/${id}`, storeNode());
    expect(res.status).toBe(201);
  }
  const totalUnits = NODES.length * UNITS_PER_NODE;
  for (let round = 0; round < ROUNDS; round++) {
    const sku = `OV-SKU-${round}`;
    expect((await call(admin, 'PUT', `/v1/items/${sku}`, item())).status).toBe(201);
    const stock = await call(
      servers[round % PROCESSES]!,
      'POST',
      '/v1/inventory/adjustments',
      NODES.map((nodeId) => ({
        kind: 'receipt',
        nodeId,
        sku,
        quantity: UNITS_PER_NODE,
        source: 'oversell-test',
        sourceId: `${sku}:${nodeId}`,
        sequence: 1,
      })),
    );
    expect(stock.status).toBe(200);

    const outcomes = await Promise.all(
      Array.from({ length: BUYERS }, async (_, buyer) => {
        const server = servers[buyer % PROCESSES]!;
        for (const nodeId of shuffled(NODES, round * 1000 + buyer + 1)) {
          let res = await buy(server, nodeId, sku, `r${round}-b${buyer}`);
          // 503 + retry-after is the API's answer to a saturated pool: clients retry it.
          for (let retry = 0; res.status === 503 && retry < 10; retry++) {
            await new Promise((r) => setTimeout(r, 200));
            res = await buy(server, nodeId, sku, `r${round}-b${buyer}`);
          }
          if (res.status === 201) return nodeId;
          if (res.status !== 200)
            throw new Error(`buyer ${buyer}: ${res.status} ${JSON.stringify(res.json)}`);
        }
        return null;
      }),
    );
    const won = outcomes.filter((o) => o !== null);
    expect(won).toHaveLength(totalUnits);
    for (const nodeId of NODES) expect(won.filter((n) => n === nodeId)).toHaveLength(UNITS_PER_NODE);

    const positions = await database.db
      .selectFrom('inventory_positions')
      .select(['node_id', 'on_hand', 'reserved'])
      .where('sku', '=', sku)
      .execute();
    expect(positions.reduce((s, p) => s + p.reserved, 0)).toBe(totalUnits);
    for (const p of positions) expect(p.reserved).toBeLessThanOrEqual(p.on_hand);
  }
  const report = await verifyLedger(database.db);
  expect(report.breaches).toEqual([]);
  expect(report.openReservations).toBe(ROUNDS * totalUnits);
}
