import { expect } from 'vitest';
import { item, storeNode } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

/** Two DCs, two stores (Chicago ships and offers pickup; New York ships), three skus. */
export const NODES = {
  'DC-EAST': {
    kind: 'warehouse',
    lat: 40.7357,
    lon: -74.1724,
    timezone: 'America/New_York',
    capabilities: ['ship'],
    handlingCost: 2,
  },
  'DC-WEST': {
    kind: 'warehouse',
    lat: 34.0522,
    lon: -118.2437,
    timezone: 'America/Los_Angeles',
    capabilities: ['ship'],
    handlingCost: 2,
  },
  'ST-CHI': {
    kind: 'store',
    lat: 41.8781,
    lon: -87.6298,
    timezone: 'America/Chicago',
    capabilities: ['ship', 'pickup'],
    handlingCost: 3.5,
  },
  'ST-NYC': {
    kind: 'store',
    lat: 40.7128,
    lon: -74.006,
    timezone: 'America/New_York',
    capabilities: ['ship', 'pickup'],
    handlingCost: 3.5,
  },
} as const;

/** Response bodies are read loosely in these tests. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
export type Json = any;

export const NEW_YORK = { lat: 40.758, lon: -73.9855 };
export const CHICAGO = { lat: 41.88, lon: -87.63 };

export interface OrdersApp extends TestApp {
  admin: Record<string, string>;
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Json }>;
  stock(rows: [string, string, number][]): Promise<void>;
  order(body: Record<string, unknown>): Promise<{ status: number; json: Json }>;
}

let seq = 0;

export async function createOrdersApp(): Promise<OrdersApp> {
  const t = await createTestApp();
  await t.services.availability.start(t.database.url);
  t.services.routing.options.maxAgeMs = 0;
  const admin = bearer(t.adminKey);
  const call = async (method: string, url: string, body?: unknown, headers = admin) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
  for (const [id, n] of Object.entries(NODES)) {
    const res = await call(
      'PUT',
      `/v1/nodes/${id}`,
      storeNode({ ...n, dailyCapacity: null, cutoffTime: '23:59', tags: [], priorityGroup: null }),
    );
    expect(res.status, JSON.stringify(res.json)).toBe(201);
  }
  for (const sku of ['SKU-A', 'SKU-B', 'SKU-C'])
    expect((await call('PUT', `/v1/items/${sku}`, item())).status).toBe(201);
  return Object.assign(t, {
    admin,
    call,
    async stock(rows: [string, string, number][]) {
      const res = await call(
        'POST',
        '/v1/inventory/adjustments',
        rows.map(([nodeId, sku, quantity]) => ({
          kind: 'receipt',
          nodeId,
          sku,
          quantity,
          source: 'test',
          sourceId: `r${++seq}`,
          sequence: seq,
        })),
      );
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    },
    async order(body: Record<string, unknown>) {
      return call('POST', '/v1/orders', {
        channel: 'web',
        externalId: `W-${++seq}`,
        customer: { name: 'Ada' },
        destination: NEW_YORK,
        lines: [{ sku: 'SKU-A', quantity: 1, price: 10 }],
        ...body,
      });
    },
  });
}

export async function positionOf(t: TestApp, nodeId: string, sku: string) {
  return t.database.db
    .selectFrom('inventory_positions')
    .select(['on_hand', 'reserved'])
    .where('node_id', '=', nodeId)
    .where('sku', '=', sku)
    .executeTakeFirst();
}
