import { generateDemoNetwork } from '../network/demo-network.ts';
import type { RoutingProblem } from '../routing/index.ts';
import { networkOfProblem } from '../routing/problem-adapter.ts';
import type { NetworkState } from './history-scenario.ts';
import { RETAIL_RATES } from './retail-network.ts';

/** The demo network (`ordergrid seed`): stock is on hand less the safety stock of each node kind. */
export function demoNetworkState(seed = 42): NetworkState {
  const demo = generateDemoNetwork(seed);
  const kindOf = new Map(demo.nodes.map((n) => [n.id, n.kind]));
  return {
    network: {
      rates: RETAIL_RATES,
      nodes: demo.nodes.map((n) => ({
        id: n.id,
        kind: n.kind,
        lat: n.lat,
        lon: n.lon,
        handlingCost: n.handlingCost,
        extraDays: n.processingDays,
        fulfils: n.capabilities.includes('pickup') ? ['ship', 'pickup'] : ['ship'],
        status: n.status,
        tags: n.tags,
        region: n.address.region,
      })),
      items: demo.items.map((i) => ({ sku: i.sku, weight: i.weightLb })),
    },
    stock: demo.stock
      .map((s) => ({
        node: s.nodeId,
        sku: s.sku,
        available: Math.max(0, s.onHand - demo.safetyStockDefaults[kindOf.get(s.nodeId) ?? 'warehouse']),
      }))
      .filter((s) => s.available > 0),
    dailyCapacity: new Map(demo.nodes.map((n) => [n.id, n.dailyCapacity])),
    source: `demo network (seed ${seed})`,
  };
}

/** A routing problem file's network and stock; a node's `capacity` becomes its daily capacity. */
export function problemNetworkState(problem: RoutingProblem, file: string): NetworkState {
  const network = networkOfProblem(problem);
  return {
    network: { ...network, nodes: network.nodes.map(({ capacity: _, ...n }) => n) },
    stock: problem.inventory.map((e) => ({ ...e })),
    dailyCapacity: new Map(problem.nodes.map((n) => [n.id, n.capacity ?? null])),
    source: `routing problem ${file}`,
  };
}
