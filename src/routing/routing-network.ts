import type { NetworkDefinition, RateCard } from './routing-types.ts';

/**
 * A network compiled once for many routing decisions: ids become dense indices and every
 * per-node figure sits in a typed array, so the hot path does no map lookups per node.
 */
export interface RoutingNetwork {
  readonly definition: NetworkDefinition;
  readonly rates: RateCard;
  readonly nodeCount: number;
  readonly skuCount: number;
  readonly nodeIds: readonly string[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly skuIds: readonly string[];
  readonly skuIndex: ReadonlyMap<string, number>;
  /** Pounds per unit, by sku index. */
  readonly weight: Float64Array;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly handling: Float64Array;
  readonly extraDays: Int32Array;
  /** 1 when the node is enabled. */
  readonly enabled: Uint8Array;
  readonly ships: Uint8Array;
  readonly pickup: Uint8Array;
  /** Band upper edges in miles (Infinity for the last band), base price, price per lb, days. */
  readonly bandMaxMiles: Float64Array;
  readonly bandBase: Float64Array;
  readonly bandPerLb: Float64Array;
  readonly bandDays: Int32Array;
}

export function compileNetwork(definition: NetworkDefinition): RoutingNetwork {
  const { nodes, items, rates } = definition;
  const nodeIndex = new Map<string, number>();
  for (const [i, n] of nodes.entries()) nodeIndex.set(n.id, i);
  const skuIndex = new Map<string, number>();
  for (const [i, it] of items.entries()) skuIndex.set(it.sku, i);
  const n = nodes.length;
  const bands = rates.bands.length;
  const net = {
    definition,
    rates,
    nodeCount: n,
    skuCount: items.length,
    nodeIds: nodes.map((x) => x.id),
    nodeIndex,
    skuIds: items.map((x) => x.sku),
    skuIndex,
    weight: Float64Array.from(items, (x) => x.weight),
    lat: Float64Array.from(nodes, (x) => x.lat),
    lon: Float64Array.from(nodes, (x) => x.lon),
    handling: Float64Array.from(nodes, (x) => x.handlingCost),
    extraDays: Int32Array.from(nodes, (x) => x.extraDays ?? 0),
    enabled: Uint8Array.from(nodes, (x) => (x.enabled === false ? 0 : 1)),
    ships: Uint8Array.from(nodes, (x) => ((x.fulfils ?? ['ship']).includes('ship') ? 1 : 0)),
    pickup: Uint8Array.from(nodes, (x) => ((x.fulfils ?? ['ship']).includes('pickup') ? 1 : 0)),
    bandMaxMiles: new Float64Array(bands),
    bandBase: new Float64Array(bands),
    bandPerLb: new Float64Array(bands),
    bandDays: new Int32Array(bands),
  };
  rates.bands.forEach((b, i) => {
    net.bandMaxMiles[i] = b.maxMiles ?? Number.POSITIVE_INFINITY;
    net.bandDays[i] = b.days;
    if (rates.model === 'zone') {
      const z = rates.bands[i]!;
      net.bandBase[i] = z.base;
      net.bandPerLb[i] = z.perLb;
    }
  });
  return net;
}

/** Index of the first band whose upper edge is at least `miles`. */
export function bandIndexFor(net: RoutingNetwork, miles: number): number {
  const edges = net.bandMaxMiles;
  const last = edges.length - 1;
  for (let b = 0; b < last; b++) if (miles <= edges[b]!) return b;
  return last;
}
