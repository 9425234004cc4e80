import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../support/server-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'ordergrid-restart-'));
const adminKey = 'og_test-admin-key-for-restart-0123456789abcdef';
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(path: string, init: RequestInit = {}) {
  return fetch(`${server!.baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${adminKey}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
}

// Real processes with a real cluster: generous timeouts, since CI runs other test files alongside.
describe('embedded PostgreSQL (no DATABASE_URL)', { timeout: 300_000 }, () => {
  const env = { DATABASE_URL: '', ORDERGRID_DATA_DIR: dataDir, ORDERGRID_ADMIN_KEY: adminKey };

  it('starts with the demo network, stops cleanly on SIGTERM, and keeps its data across a restart', async () => {
    server = await startServer(env);
    const nodes = (await (await api('/v1/nodes?limit=500')).json()) as {
      items: { id: string; kind: string }[];
    };
    expect(nodes.items.filter((n) => n.kind === 'store').length).toBeGreaterThanOrEqual(30);
    expect(nodes.items.filter((n) => n.kind === 'warehouse').length).toBeGreaterThanOrEqual(3);
    const ready = await fetch(`${server.baseUrl}/ready`);
    expect(ready.status).toBe(200);

    const put = await api('/v1/items/RESTART-1', {
      method: 'PUT',
      body: JSON.stringify({ name: 'kept', weight: 2 }),
    });
    expect(put.status).toBe(201);
    expect(await server.stop('SIGTERM')).toBe(0);

    server = await startServer(env);
    const item = await api('/v1/items/RESTART-1');
    expect(item.status).toBe(200);
    expect(((await item.json()) as { name: string }).name).toBe('kept');
    // The demo network is seeded once, not again on the restart.
    const again = (await (await api('/v1/nodes?limit=500')).json()) as { items: unknown[] };
    expect(again.items.length).toBe(nodes.items.length);
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('recovers after being killed: the orphaned database server is stopped and restarted', async () => {
    server = await startServer(env);
    await server.stop('SIGKILL');
    server = await startServer(env);
    expect((await api('/v1/items/RESTART-1')).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
