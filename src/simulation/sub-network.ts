import type { RoutingNetwork } from '../routing/index.ts';

/**
 * The compiled network of a subset of a network's nodes (indices ascending), as
 * `compileNetwork` would build it from those nodes, but sharing the parent's item tables and
 * rate bands: compiling thousands of per-cell networks would otherwise rebuild the sku index
 * every time. A test checks it equals `compileNetwork` of the same nodes.
 */
export function subNetwork(parent: RoutingNetwork, kept: readonly number[]): RoutingNetwork {
  const pick = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T =>
    a.constructor === Float64Array
      ? (Float64Array.from(kept, (i) => a[i]!) as T)
      : a.constructor === Int32Array
        ? (Int32Array.from(kept, (i) => a[i]!) as T)
        : (Uint8Array.from(kept, (i) => a[i]!) as T);
  const nodes = kept.map((i) => parent.definition.nodes[i]!);
  const nodeIds = kept.map((i) => parent.nodeIds[i]!);
  return {
    definition: { rates: parent.rates, nodes, items: parent.definition.items },
    rates: parent.rates,
    nodeCount: kept.length,
    skuCount: parent.skuCount,
    nodeIds,
    nodeIndex: new Map(nodeIds.map((id, i) => [id, i])),
    skuIds: parent.skuIds,
    skuIndex: parent.skuIndex,
    weight: parent.weight,
    lat: pick(parent.lat),
    lon: pick(parent.lon),
    handling: pick(parent.handling),
    extraDays: pick(parent.extraDays),
    enabled: pick(parent.enabled),
    ships: pick(parent.ships),
    pickup: pick(parent.pickup),
    bandMaxMiles: parent.bandMaxMiles,
    bandBase: parent.bandBase,
    bandPerLb: parent.bandPerLb,
    bandDays: parent.bandDays,
  };
}
