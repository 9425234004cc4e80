import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { item, storeNode } from '../support/fixtures.ts';
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
const servers: { child: ChildProcess; port: number; agent: http.Agent; log: string[] }[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function call(
  server: (typeof servers)[number],
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        agent: server.agent,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function startServer(): Promise<(typeof servers)[number]> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/ordergrid.mjs', 'serve'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ORDERGRID_DEMO: 'false',
      ORDERGRID_ADMIN_KEY: ADMIN_KEY,
      ORDERGRID_WORKER: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const server = { child, port, agent: new http.Agent({ keepAlive: true, maxSockets: 64 }), log };
  servers.push(server);
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log.join('')}`);
    try {
      const res = await call(server, 'GET', '/health');
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server on ${port} did not start: ${log.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function buy(server: (typeof servers)[number], nodeId: string, sku: string, cart: string) {
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
  await Promise.all(
    servers.map(
      ({ child, agent }) =>
        new Promise<void>((resolve) => {
          agent.destroy();
          if (child.exitCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
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
