import type {
  InventoryEntry,
  NetworkDefinition,
  RoutingOrder,
  RoutingPolicy,
  RoutingStrategy,
} from '../routing/index.ts';

/** One order of a replay: the engine's order plus when it arrives and what was promised. */
export interface SimOrder extends RoutingOrder {
  /** Minutes since the start of the simulation (non-decreasing along the stream). */
  minute: number;
  /** Transit days promised to the customer, for the on-time share. */
  promiseDays: number;
}

/** Order-up-to replenishment: every `everyDays` days at midnight, stock is topped up to `levels`. */
export interface Replenishment {
  everyDays: number;
  levels: readonly InventoryEntry[];
}

/**
 * Everything a replay needs, with no I/O: the network (nodes without a capacity: capacity is per
 * day here), starting stock, packages per node per day, replenishment and the order stream.
 */
export interface Scenario {
  name: string;
  network: NetworkDefinition;
  initialStock: readonly InventoryEntry[];
  /** Packages per day by node id; absent or null = unlimited. */
  dailyCapacity: ReadonlyMap<string, number | null>;
  replenishment: Replenishment | null;
  /** UTC start of day 0 in ms (for `placedAt` when a policy has cut-offs). */
  startMs: number;
  days: number;
  /** Orders the stream will yield (for progress; the stream may end earlier). */
  orderCount: number;
  /** A fresh iterator over the orders, in time order; each call replays the same stream. */
  orders(): Iterable<SimOrder>;
  /** Facts shown in the report (seed, generator settings, source file). */
  facts: Record<string, string | number>;
}

/** How a policy decides: each order on arrival, or orders held for a window and optimised together. */
export interface BatchSettings {
  /** Minutes of simulated time an order may wait. */
  windowMinutes: number;
  /** Flush earlier when this many orders wait (default 500). */
  maxOrders?: number;
  /** routeBatch method (default 'heuristic', deterministic and fast; 'auto' adds the MIP). */
  method?: 'heuristic' | 'auto' | 'mip';
}

export interface PolicySpec {
  /** Name in the report (unique). */
  name: string;
  description?: string;
  policy: RoutingPolicy;
  /** Default 'optimal'; the others are the engine's peer baselines. */
  strategy?: RoutingStrategy;
  batch?: BatchSettings;
}

export interface SimulationOptions {
  /** 'hard' (default): a node's daily capacity is a routing constraint; 'soft': packages beyond it are counted as breaches. */
  capacityMode?: 'hard' | 'soft';
  /** Reporting factors for CO2e (same for every policy): kg per package and per lb-mile. */
  emissions?: { kgPerPackage: number; kgPerLbMile: number };
  /** Per-destination candidate pruning with an optimality certificate (default true). */
  fastPath?: boolean;
  /** Called every `progressEvery` orders (default 1000) and at the end. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

export const DEFAULT_EMISSIONS = { kgPerPackage: 0.3, kgPerLbMile: 0.0002 } as const;
