import { ItemService } from '../catalog/item-service.ts';
import { applyFeed } from '../inventory/feed-service.ts';
import { setKindSafetyStock } from '../inventory/safety-stock-service.ts';
import { generateDemoNetwork } from '../network/demo-network.ts';
import { NodeService } from '../network/node-service.ts';
import type { Services } from '../platform/services.ts';

export interface SeedReport {
  nodes: number;
  items: number;
  stockRows: number;
}

/** Writes the demo network through the same services the API uses (so every row has its event). */
export async function seedDemo(services: Services, seed = 42): Promise<SeedReport> {
  const demo = generateDemoNetwork(seed);
  const nodes = new NodeService(services.db);
  const items = new ItemService(services.db);
  for (const node of demo.nodes) {
    const { id, ...input } = node;
    await nodes.put(id, input, 'seed');
  }
  for (const item of demo.items) {
    await items.put(
      item.sku,
      {
        name: item.name,
        weight: item.weightLb,
        sizeClass: item.sizeClass,
        hazmat: item.hazmat,
        oversize: item.oversize,
        attributes: { category: item.category },
      },
      'seed',
    );
  }
  for (const [kind, value] of Object.entries(demo.safetyStockDefaults)) {
    await setKindSafetyStock(services.db, kind, value, 'seed');
  }
  // Opening stock as receipts through the feed service, so the ledger explains every unit.
  const asOf = new Date();
  const report = await applyFeed(
    services.db,
    demo.stock
      .map((s) => ({
        kind: 'receipt' as const,
        nodeId: s.nodeId,
        sku: s.sku,
        quantity: s.onHand,
        source: 'seed',
        sourceId: `seed-${seed}:${s.nodeId}:${s.sku}`,
        sequence: null,
        asOf,
        reason: 'opening stock',
        correlationId: null,
      }))
      .filter((r) => r.quantity > 0),
    { actor: 'seed', bulk: true },
  );
  return { nodes: demo.nodes.length, items: demo.items.length, stockRows: report.applied };
}

/** True when the database has no nodes yet (a first start). */
export async function isEmpty(services: Services): Promise<boolean> {
  const row = await services.db.selectFrom('nodes').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}
