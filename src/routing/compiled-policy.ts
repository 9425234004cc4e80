import type { NodeSelector, RoutingPolicy } from './policy-schema.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type { NetworkNode } from './routing-types.ts';

/**
 * A policy turned into per-node arrays for one network, so that applying it to an order costs
 * a few array reads per node. Cached per (policy object, network).
 */
export interface CompiledPolicy {
  readonly id: string;
  readonly version: number;
  readonly unfilledPenalty: number;
  readonly dayCost: number;
  /** Most packages per order (Infinity = no limit). */
  readonly maxPackages: number;
  readonly costWeight: number;
  /** 1 when an exclusion without channels removes the node. */
  readonly excluded: Uint8Array;
  readonly channelExclusions: readonly { channels: ReadonlySet<string>; mask: Uint8Array }[];
  /** Per priority group: which nodes it matches and its distance limit. */
  readonly groups: readonly { name: string; mask: Uint8Array; maxMiles: number }[];
  /** Units kept back at each node (the protected last units). */
  readonly protectedUnits: Int32Array;
  /** Packages each node may send under the policy (Infinity = no policy limit). */
  readonly capacityLimit: Float64Array;
  /** Cut-off minute of the local day per node, -1 for none. */
  readonly cutoffMinute: Int32Array;
  readonly utcOffsetMinutes: Int32Array;
  /** CO2e: money per kg, kg per package, kg per lb-mile. */
  readonly co2eCostPerKg: number;
  readonly co2eKgPerPackage: number;
  readonly co2eKgPerLbMile: number;
}

// Keyed by the node list, the only part of the network a compiled policy reads: the live service
// gives each order its own network view (its skus) over one shared node list.
const cache = new WeakMap<RoutingPolicy, WeakMap<RoutingNetwork['definition']['nodes'], CompiledPolicy>>();
// The last pair asked for: a stream of orders routes under one policy on one network.
let lastPolicy: RoutingPolicy | null = null;
let lastNodes: RoutingNetwork['definition']['nodes'] | null = null;
let lastCompiled: CompiledPolicy | null = null;

export function compilePolicy(policy: RoutingPolicy, network: RoutingNetwork): CompiledPolicy {
  const nodes = network.definition.nodes;
  if (policy === lastPolicy && nodes === lastNodes) return lastCompiled!;
  const compiled = compileCached(policy, network);
  lastPolicy = policy;
  lastNodes = nodes;
  lastCompiled = compiled;
  return compiled;
}

function compileCached(policy: RoutingPolicy, network: RoutingNetwork): CompiledPolicy {
  let perNetwork = cache.get(policy);
  if (!perNetwork) {
    perNetwork = new WeakMap();
    cache.set(policy, perNetwork);
  }
  const hit = perNetwork.get(network.definition.nodes);
  if (hit) return hit;
  const built = build(policy, network);
  perNetwork.set(network.definition.nodes, built);
  return built;
}

function matches(sel: NodeSelector, node: NetworkNode): boolean {
  if (sel.nodes && !sel.nodes.includes(node.id)) return false;
  if (sel.kinds && !sel.kinds.includes(node.kind)) return false;
  if (sel.statuses && !sel.statuses.includes(node.status ?? 'active')) return false;
  if (sel.tags && !sel.tags.some((t) => node.tags?.includes(t))) return false;
  if (sel.regions && (node.region === undefined || !sel.regions.includes(node.region))) return false;
  return true;
}

function maskOf(sel: NodeSelector, nodes: readonly NetworkNode[]): Uint8Array {
  return Uint8Array.from(nodes, (n) => (matches(sel, n) ? 1 : 0));
}

function build(policy: RoutingPolicy, network: RoutingNetwork): CompiledPolicy {
  const nodes = network.definition.nodes;
  const n = nodes.length;
  const excluded = new Uint8Array(n);
  const channelExclusions: { channels: ReadonlySet<string>; mask: Uint8Array }[] = [];
  for (const rule of policy.exclude ?? []) {
    const mask = maskOf(rule.match, nodes);
    if (rule.channels) channelExclusions.push({ channels: new Set(rule.channels), mask });
    else for (let i = 0; i < n; i++) excluded[i] = excluded[i]! | mask[i]!;
  }
  const protectedUnits = new Int32Array(n);
  for (const rule of policy.protectLastUnits ?? []) {
    const mask = maskOf(rule.match, nodes);
    // Several matching rules keep back the largest number, not the sum.
    for (let i = 0; i < n; i++) if (mask[i]) protectedUnits[i] = Math.max(protectedUnits[i]!, rule.units);
  }
  const capacityLimit = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (const rule of policy.capacity ?? []) {
    const mask = maskOf(rule.match, nodes);
    for (let i = 0; i < n; i++) if (mask[i]) capacityLimit[i] = Math.min(capacityLimit[i]!, rule.maxPackages);
  }
  const cutoffMinute = new Int32Array(n).fill(-1);
  for (const rule of policy.cutoffs ?? []) {
    const mask = maskOf(rule.match, nodes);
    const [h, m] = rule.localTime.split(':').map(Number);
    const minute = (h ?? 0) * 60 + (m ?? 0);
    // The earliest cut-off wins when rules overlap: it is the one the node must meet.
    for (let i = 0; i < n; i++) {
      if (mask[i] && (cutoffMinute[i]! < 0 || minute < cutoffMinute[i]!)) cutoffMinute[i] = minute;
    }
  }
  const max = policy.shipComplete ? 1 : (policy.maxShipments ?? Number.POSITIVE_INFINITY);
  return {
    id: policy.id,
    version: policy.version,
    unfilledPenalty: policy.unfilledPenalty ?? 1000,
    dayCost: policy.dayCost ?? 0,
    maxPackages: max,
    costWeight: policy.costWeight ?? 1,
    excluded,
    channelExclusions,
    groups: (policy.priorityGroups ?? []).map((g) => ({
      name: g.name,
      mask: maskOf(g.match, nodes),
      maxMiles: g.maxMiles ?? Number.POSITIVE_INFINITY,
    })),
    protectedUnits,
    capacityLimit,
    cutoffMinute,
    utcOffsetMinutes: Int32Array.from(nodes, (x) => x.utcOffsetMinutes ?? 0),
    co2eCostPerKg: policy.co2e?.costPerKg ?? 0,
    co2eKgPerPackage: policy.co2e?.kgPerPackage ?? 0,
    co2eKgPerLbMile: policy.co2e?.kgPerLbMile ?? 0,
  };
}
