import type { Db } from '../../src/platform/db/database.ts';
import { item, storeNode } from '../support/fixtures.ts';
import { bearer, type TestApp } from '../support/test-app.ts';

/** Creates nodes (stores unless said) and items through the API. */
export async function createNodesAndItems(
  t: TestApp,
  nodeIds: string[],
  skus: string[],
  kind: 'store' | 'warehouse' = 'store',
): Promise<void> {
  const headers = bearer(t.adminKey);
  for (const id of nodeIds) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/nodes/${id}`,
      headers,
      payload: storeNode({ kind }),
    });
    if (res.statusCode >= 300) throw new Error(`node ${id}: ${res.body}`);
  }
  for (const sku of skus) {
    const res = await t.app.inject({ method: 'PUT', url: `/v1/items/${sku}`, headers, payload: item() });
    if (res.statusCode >= 300) throw new Error(`item ${sku}: ${res.body}`);
  }
}

let sourceSeq = 0;
/** A receipt through the adjustments API. */
export async function receive(t: TestApp, nodeId: string, sku: string, quantity: number) {
  sourceSeq++;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/inventory/adjustments',
    headers: bearer(t.adminKey),
    payload: {
      kind: 'receipt',
      nodeId,
      sku,
      quantity,
      source: 'test',
      sourceId: `r-${sourceSeq}-${Date.now()}`,
      sequence: sourceSeq,
    },
  });
  if (res.statusCode !== 200) throw new Error(`receive: ${res.body}`);
  return res.json();
}

export async function positionOf(db: Db, nodeId: string, sku: string) {
  return db
    .selectFrom('inventory_positions')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where('sku', '=', sku)
    .executeTakeFirst();
}

export async function eventTypes(db: Db, aggregateId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('events')
    .select('type')
    .where('aggregate_id', '=', aggregateId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.type);
}
