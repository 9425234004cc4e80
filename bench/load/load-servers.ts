import { generateDemoNetwork } from '../../src/network/demo-network.ts';
import { type ServerProcess, startServer } from '../../test/support/server-process.ts';
import { type BenchDatabase, createBenchDatabase } from '../harness/bench-database.ts';

export const LOAD_ADMIN_KEY = 'og_bench-load-admin-key-0123456789abcdef';

export interface LoadServers {
  database: BenchDatabase;
  servers: ServerProcess[];
  stop(): Promise<void>;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${LOAD_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function ready(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${baseUrl}/ready`).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${baseUrl} not ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A fresh database with the demo network (seeded by the first instance, as `serve` does on an empty
 * database), then `instances` processes on it with the production defaults (workers on unless told
 * otherwise). The demo's stock is topped up and its day capacities lifted so that minutes of orders
 * neither run it dry nor fill every node's day: the bench measures service, not a sold-out network.
 */
export async function startLoadServers(options: {
  instances: number;
  poolSize: number;
  worker: boolean;
  log: (m: string) => void;
}): Promise<LoadServers> {
  const database = await createBenchDatabase('load');
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await database.drop();
  };
  try {
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(options.poolSize),
      ORDERGRID_ADMIN_KEY: LOAD_ADMIN_KEY,
      ORDERGRID_WORKER: String(options.worker),
      ORDERGRID_DEMO: 'true',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    };
    options.log('starting the first instance (migrations, demo network)...');
    servers.push(await startServer(env));
    await ready(servers[0]!.baseUrl);
    const rest = await Promise.all(Array.from({ length: options.instances - 1 }, () => startServer(env)));
    servers.push(...rest);
    await Promise.all(servers.map((s) => ready(s.baseUrl)));

    const demo = generateDemoNetwork(42);
    const base = servers[0]!.baseUrl;
    for (const node of demo.nodes)
      await call(base, 'PATCH', `/v1/nodes/${node.id}`, { dailyCapacity: 1_000_000 });
    const asOf = new Date().toISOString();
    await call(
      base,
      'POST',
      '/v1/inventory/adjustments',
      demo.stock.map((s) => ({
        kind: 'receipt',
        nodeId: s.nodeId,
        sku: s.sku,
        quantity: 400,
        source: 'bench-load',
        sourceId: `top-up:${s.nodeId}:${s.sku}`,
        asOf,
      })),
    );
    await new Promise((r) => setTimeout(r, 1_000)); // every index applies the top-up
    return { database, servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
