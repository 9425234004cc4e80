import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { item, storeNode } from '../support/fixtures.ts';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * `ORDERGRID_WORKERS=2`: one primary and two worker processes on one port. Connections are handed
 * to the workers in turn, each answers from its own availability index (kept fresh by
 * notifications), and SIGTERM stops them all with exit code 0.
 */
const KEY = 'og_test_serve_workers_admin_key_0123456789';
let database: TestDatabase;
let server: ServerProcess;

/** Pids whose parent is `pid` (Linux /proc). */
function children(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(' ').map(Number) : [];
}

/** One GET on a connection of its own, so that each request may land on another worker. */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.baseUrl}${path}`,
      { agent: false, headers: { authorization: `Bearer ${KEY}`, connection: 'close' } },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The pids that logged an availability request (ORDERGRID_REQUEST_LOG=all logs every request). */
function answeringPids(output: string): Set<number> {
  const pids = new Set<number>();
  for (const line of output.split('\n')) {
    if (!line.includes('"incoming request"') || !line.includes('/v1/availability')) continue;
    const m = /"pid":(\d+)/.exec(line);
    if (m) pids.add(Number(m[1]));
  }
  return pids;
}

beforeAll(async () => {
  database = await createTestDatabase(2);
  server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_DEMO: 'false',
    ORDERGRID_ADMIN_KEY: KEY,
    ORDERGRID_WORKERS: '2',
    ORDERGRID_REQUEST_LOG: 'all',
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '4',
  });
}, 180_000);
afterAll(async () => {
  if (server?.proc.exitCode === null) await server.stop('SIGKILL');
  await database?.drop();
});

describe('serve with several worker processes', { timeout: 120_000 }, () => {
  it('answers from two processes, each with an index that follows writes made through the other', async () => {
    const workers = children(server.proc.pid ?? 0);
    expect(workers).toHaveLength(2);
    // Every worker must be listening before the round-robin can reach it.
    const deadline = Date.now() + 60_000;
    while ((server.output().match(/OrderGrid listening/g) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error(`workers did not start:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const send = (method: string, path: string, body: unknown) =>
      fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await send('PUT', '/v1/nodes/SW-1', storeNode())).status).toBe(201);
    expect((await send('PUT', '/v1/items/SW-SKU', item())).status).toBe(201);
    const receipt = await send('POST', '/v1/inventory/adjustments', {
      kind: 'receipt',
      nodeId: 'SW-1',
      sku: 'SW-SKU',
      quantity: 7,
      source: 'workers-test',
      sourceId: 'r1',
      asOf: new Date().toISOString(),
    });
    expect(receipt.status).toBe(200);

    // Each worker sees the receipt written through one of them (within the staleness bound).
    const seen: number[] = [];
    for (let i = 0; i < 40 && seen.length < 8; i++) {
      const res = await get('/v1/availability?skus=SW-SKU');
      expect(res.status).toBe(200);
      const atp = (JSON.parse(res.body) as { items: { networkAtp: number }[] }).items[0]?.networkAtp;
      if (atp === 7) seen.push(i);
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen.length).toBe(8);
    const pids = answeringPids(server.output());
    expect([...pids].sort()).toEqual([...workers].sort());
  });

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const workers = children(server.proc.pid ?? 0);
    expect(await server.stop('SIGTERM')).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
