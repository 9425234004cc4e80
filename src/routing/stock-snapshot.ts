import type { RoutingNetwork } from './routing-network.ts';
import type { InventoryEntry, OrderPlan } from './routing-types.ts';

/**
 * Stock and package capacity left at each node. Routing reads it; the caller applies each
 * decision it commits (live flow: after the reservation succeeds; sequential mode: at once).
 */
export interface StockSnapshot {
  readonly network: RoutingNetwork;
  /** Units available by node * skuCount + sku. */
  readonly available: Int32Array;
  /** Packages each node may still send; Infinity when unlimited. */
  readonly capacity: Float64Array;
}

export function createStockSnapshot(
  network: RoutingNetwork,
  inventory: readonly InventoryEntry[],
): StockSnapshot {
  const available = new Int32Array(network.nodeCount * network.skuCount);
  for (const e of inventory) {
    const n = network.nodeIndex.get(e.node);
    const s = network.skuIndex.get(e.sku);
    if (n === undefined || s === undefined)
      throw new RangeError(`inventory refers to unknown ${e.node}/${e.sku}`);
    available[n * network.skuCount + s] = e.available;
  }
  const capacity = Float64Array.from(network.definition.nodes, (x) =>
    x.capacity === null || x.capacity === undefined ? Number.POSITIVE_INFINITY : x.capacity,
  );
  return { network, available, capacity };
}

export function cloneStockSnapshot(stock: StockSnapshot): StockSnapshot {
  return { network: stock.network, available: stock.available.slice(), capacity: stock.capacity.slice() };
}

/** Takes a plan's units and packages out of the snapshot (sign -1 gives them back). */
export function applyPlan(stock: StockSnapshot, plan: OrderPlan, sign: 1 | -1 = 1): void {
  const net = stock.network;
  for (const sh of plan.shipments) {
    const n = net.nodeIndex.get(sh.node);
    if (n === undefined) throw new RangeError(`plan refers to unknown node ${sh.node}`);
    stock.capacity[n] = stock.capacity[n]! - sign;
    for (const l of sh.lines) {
      const s = net.skuIndex.get(l.sku);
      if (s === undefined) throw new RangeError(`plan refers to unknown sku ${l.sku}`);
      const at = n * net.skuCount + s;
      stock.available[at] = stock.available[at]! - sign * l.quantity;
    }
  }
}
