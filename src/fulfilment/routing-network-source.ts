import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import {
  compileNetwork,
  type Item,
  type NetworkNode,
  type NodeKind,
  type RoutingNetwork,
  type ZoneRates,
} from '../routing/index.ts';
import { utcOffsetMinutes } from './node-clock.ts';
import { EXPEDITED_RATES, GROUND_RATES } from './rate-cards.ts';

/** What the order flow needs of a node beyond the engine's view of it. */
export interface NodeInfo {
  id: string;
  kind: string;
  status: string;
  timezone: string;
  capabilities: readonly string[];
  dailyCapacity: number | null;
  /** Minute of the local day after which an order waits for the next day; -1 for none. */
  cutoffMinute: number;
  utcOffsetMinutes: number;
}

/**
 * The live network compiled for the engine, once per change of nodes or items: one compiled
 * network per rate card (they share nothing mutable), the item weights, and node metadata.
 */
export interface LiveNetwork {
  /** `${count}:${sum(version)}` of nodes and items when loaded: a change of either shows here. */
  signature: string;
  byRates: ReadonlyMap<ZoneRates, RoutingNetwork>;
  nodes: readonly NodeInfo[];
  nodeInfo: ReadonlyMap<string, NodeInfo>;
  weights: ReadonlyMap<string, number>;
}

/** One cheap statement that changes whenever a node or an item is added, changed or deleted. */
export async function networkSignature(db: Db): Promise<string> {
  const { rows } = await sql<{ s: string }>`
    SELECT (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM nodes) || '/' ||
           (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM items) AS s`.execute(db);
  return rows[0]?.s ?? '';
}

function cutoffMinuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return Number.isFinite(h) && Number.isFinite(m) ? (h ?? 0) * 60 + (m ?? 0) : -1;
}

export async function loadLiveNetwork(db: Db, now = new Date()): Promise<LiveNetwork> {
  const signature = await networkSignature(db);
  const [nodeRows, itemRows] = await Promise.all([
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
        'address',
        'timezone',
        'daily_capacity',
        'cutoff_time',
      ])
      .orderBy('id')
      .execute(),
    db.selectFrom('items').select(['sku', 'weight_lb']).orderBy('sku').execute(),
  ]);
  const nodes: NetworkNode[] = nodeRows.map((n) => {
    const fulfils: ('ship' | 'pickup')[] = [];
    if (n.capabilities.includes('ship')) fulfils.push('ship');
    if (n.capabilities.includes('pickup')) fulfils.push('pickup');
    const region = n.address.region;
    return {
      id: n.id,
      kind: n.kind as NodeKind,
      lat: n.lat,
      lon: n.lon,
      handlingCost: n.handling_cost,
      extraDays: n.processing_days,
      enabled: n.status === 'online',
      fulfils,
      status: n.status,
      tags: n.tags,
      ...(region ? { region } : {}),
      utcOffsetMinutes: utcOffsetMinutes(n.timezone, now),
    };
  });
  const items: Item[] = itemRows.map((i) => ({ sku: i.sku, weight: i.weight_lb }));
  const byRates = new Map<ZoneRates, RoutingNetwork>();
  // Items stay out of the compiled networks: each order gets a view with only its own skus.
  for (const rates of [GROUND_RATES, EXPEDITED_RATES])
    byRates.set(rates, compileNetwork({ rates, nodes, items: [] }));
  const info: NodeInfo[] = nodeRows.map((n) => ({
    id: n.id,
    kind: n.kind,
    status: n.status,
    timezone: n.timezone,
    capabilities: n.capabilities,
    dailyCapacity: n.daily_capacity,
    cutoffMinute: cutoffMinuteOf(n.cutoff_time),
    utcOffsetMinutes: utcOffsetMinutes(n.timezone, now),
  }));
  return {
    signature,
    byRates,
    nodes: info,
    nodeInfo: new Map(info.map((n) => [n.id, n])),
    weights: new Map(items.map((i) => [i.sku, i.weight])),
  };
}
