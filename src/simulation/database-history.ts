import { openLinesByOrder } from '../orders/open-lines.ts';
import type { Db } from '../platform/db/database.ts';
import type { NetworkNode, NodeKind } from '../routing/index.ts';
import type { HistoryOrder, NetworkState } from './history-scenario.ts';
import { RETAIL_RATES } from './retail-network.ts';

/** Transit promised per service level, for the on-time share (standard ground otherwise). */
const PROMISE_BY_SERVICE: Readonly<Record<string, number>> = { standard: 5, express: 2, 'next-day': 1 };

/**
 * The live network as it is now: nodes (online = enabled; processing days as extra days),
 * items, stock available to promise (on hand - reserved - safety) and daily capacity.
 * Rates are the default ground card (the live flow's card for standard orders).
 */
export async function loadLiveNetworkState(db: Db): Promise<NetworkState> {
  const [nodes, items, positions] = await Promise.all([
    db
      .selectFrom('nodes')
      .select([
        'id',
        'kind',
        'lat',
        'lon',
        'handling_cost',
        'processing_days',
        'status',
        'tags',
        'capabilities',
        'daily_capacity',
      ])
      .orderBy('id')
      .execute(),
    db.selectFrom('items').select(['sku', 'weight_lb']).orderBy('sku').execute(),
    db
      .selectFrom('inventory_positions')
      .select(['node_id', 'sku', 'on_hand', 'reserved', 'safety_stock'])
      .orderBy('node_id')
      .orderBy('sku')
      .execute(),
  ]);
  const networkNodes: NetworkNode[] = nodes.map((n) => ({
    id: n.id,
    kind: n.kind as NodeKind,
    lat: n.lat,
    lon: n.lon,
    handlingCost: n.handling_cost,
    extraDays: n.processing_days,
    enabled: n.status === 'online',
    fulfils: n.capabilities.includes('pickup') ? ['ship', 'pickup'] : ['ship'],
    status: n.status,
    tags: n.tags,
  }));
  const skus = new Set(items.map((i) => i.sku));
  const ids = new Set(nodes.map((n) => n.id));
  return {
    network: {
      rates: RETAIL_RATES,
      nodes: networkNodes,
      items: items.map((i) => ({ sku: i.sku, weight: i.weight_lb })),
    },
    stock: positions
      .filter((p) => ids.has(p.node_id) && skus.has(p.sku))
      .map((p) => ({
        node: p.node_id,
        sku: p.sku,
        available: Math.max(0, p.on_hand - p.reserved - p.safety_stock),
      }))
      .filter((p) => p.available > 0),
    dailyCapacity: new Map(nodes.map((n) => [n.id, n.daily_capacity])),
    source: 'live database',
  };
}

/**
 * The most recent orders (by placing time) with the units still wanted per line (ordered less
 * cancelled). Pickup orders keep their pickup node; ship-to-store orders ship to that store.
 */
export async function loadRecentOrders(db: Db, limit: number): Promise<HistoryOrder[]> {
  const orders = await db
    .selectFrom('orders')
    .select([
      'id',
      'channel',
      'dest_lat',
      'dest_lon',
      'fulfilment',
      'pickup_node',
      'service_level',
      'placed_at',
    ])
    .orderBy('placed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (orders.length === 0) return [];
  const byOrder = await openLinesByOrder(
    db,
    orders.map((o) => o.id),
  );
  const out: HistoryOrder[] = [];
  for (const o of orders) {
    const orderLines = byOrder.get(o.id);
    if (!orderLines) continue;
    out.push({
      id: o.id,
      placedAtMs: o.placed_at.getTime(),
      destination: { lat: o.dest_lat, lon: o.dest_lon },
      lines: orderLines,
      promiseDays: PROMISE_BY_SERVICE[o.service_level] ?? 5,
      channel: o.channel,
      ...(o.fulfilment === 'pickup' && o.pickup_node ? { pickupNode: o.pickup_node } : {}),
    });
  }
  return out;
}
