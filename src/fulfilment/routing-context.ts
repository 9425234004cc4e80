import type { AvailabilityService } from '../inventory/availability-service.ts';
import type { Db } from '../platform/db/database.ts';
import {
  DEFAULT_POLICY,
  type RouteOrderInput,
  type RoutingDecision,
  type RoutingNetwork,
  type RoutingPolicy,
  routeOrder,
  type StockSnapshot,
} from '../routing/index.ts';
import { capacityKey, loadCapacityUsage } from './capacity.ts';
import { clockAt } from './node-clock.ts';
import { SERVICE_LEVELS } from './rate-cards.ts';
import {
  type LiveNetwork,
  loadLiveNetwork,
  type NodeInfo,
  networkSignature,
} from './routing-network-source.ts';

/** Where the live order flow reads the routing policy to apply (the policy store implements it). */
export interface PolicyProvider {
  active(): RoutingPolicy;
}

export const defaultPolicyProvider: PolicyProvider = { active: () => DEFAULT_POLICY };

/** An order as the routing context sees it (capture, re-routing and fulfilment options share it). */
export interface RoutingRequest {
  id: string;
  /** Sales channel: its rule decides which nodes may serve (null = every online node). */
  channel: string | null;
  destination: { lat: number; lon: number };
  /** Lines; a sku may repeat (they are merged for the engine). */
  lines: readonly { sku: string; quantity: number }[];
  fulfilment: 'ship' | 'pickup' | 'ship-to-store';
  /** The store of a pickup or ship-to-store order. */
  pickupNode?: string | null;
  serviceLevel?: string;
  placedAt?: Date;
}

export interface InputOptions {
  /** Nodes this order must not use (rejected it, timed out, went offline). */
  excludeNodes?: readonly string[];
  /** ATP read from the database (key `node\u0000sku`), overriding the index after a shortage. */
  freshAtp?: ReadonlyMap<string, number>;
  /** Drop the service level's transit limit (used when no node can meet it). */
  relaxLatestDays?: boolean;
  now?: Date;
  /** The caller's transaction: reads go through it (a request never waits for a second pool connection). */
  db?: Db;
}

export interface PreparedInput {
  input: RouteOrderInput;
  /** Skus of the request that the catalog does not know: left out of routing. */
  unknownSkus: string[];
  /** The pickup node a ship-to-store order ships to (its own stock is a pickup). */
  pickupNode: string | null;
}

export interface RoutingContextOptions {
  /** How old the compiled network may get before its signature is checked again (default 1 s). */
  maxAgeMs?: number;
}

/**
 * The bridge from live data to the pure engine. Keeps the compiled network (rebuilt when nodes or
 * items change: a one-statement signature check at most every `maxAgeMs`), the live rate cards,
 * capacity left per node and day, and builds each order's engine input from the availability index
 * (ATP per node and sku, the channel's rule, node status) — no I/O per order when the index runs.
 *
 * `inputFor` gives a self-contained `RouteOrderInput`: a view of the network restricted to the
 * order's skus (the node arrays are shared, nothing is mutated), so callers may keep it.
 */
export class RoutingContext {
  private live: LiveNetwork | null = null;
  private checkedAt = 0;
  private loading: Promise<LiveNetwork> | null = null;
  /** Packages used per `node|day`, as last read or written by this process. */
  private usage = new Map<string, number>();
  readonly options: Required<RoutingContextOptions>;

  constructor(
    private readonly db: Db,
    private readonly availability: AvailabilityService | null,
    private readonly policies: PolicyProvider = defaultPolicyProvider,
    options: RoutingContextOptions = {},
  ) {
    this.options = { maxAgeMs: options.maxAgeMs ?? 1_000 };
  }

  /** The active routing policy. */
  policy(): RoutingPolicy {
    return this.policies.active();
  }

  /** Forgets the compiled network and capacity figures: the next use reloads them. */
  invalidate(): void {
    this.checkedAt = 0;
    this.live = null;
  }

  /** The compiled network, reloaded when its signature changed. */
  async network(db: Db = this.db): Promise<LiveNetwork> {
    const now = Date.now();
    if (this.live && now - this.checkedAt < this.options.maxAgeMs) return this.live;
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        const current = this.live;
        // A daylight-saving change moves node offsets (cut-offs, the engine's time rules): recompile.
        const offsetsHold = current?.nodes.every(
          (n) => clockAt(n.timezone, new Date()).offset === n.utcOffsetMinutes,
        );
        if (current && offsetsHold && (await networkSignature(db)) === current.signature) {
          await this.refreshCapacity(db);
          this.checkedAt = Date.now();
          return current;
        }
        const loaded = await loadLiveNetwork(db);
        await this.refreshCapacity(db);
        this.live = loaded;
        this.checkedAt = Date.now();
        return loaded;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  async nodeInfo(id: string): Promise<NodeInfo | undefined> {
    return (await this.network()).nodeInfo.get(id);
  }

  /** Re-reads capacity used today and yesterday (after a conflict, or on the network check). */
  async refreshCapacity(db: Db = this.db): Promise<void> {
    this.usage = await loadCapacityUsage(db);
  }

  /** Records packages this process just committed (or freed, with a negative count). */
  noteCapacity(nodeId: string, day: string, packages: number): void {
    const key = capacityKey(nodeId, day);
    this.usage.set(key, Math.max(0, (this.usage.get(key) ?? 0) + packages));
  }

  /** Builds the engine input for one order. */
  async inputFor(req: RoutingRequest, opts: InputOptions = {}): Promise<PreparedInput> {
    const live = await this.network(opts.db);
    const now = opts.now ?? new Date();
    const level = SERVICE_LEVELS[req.serviceLevel ?? 'standard'] ?? SERVICE_LEVELS.standard!;
    const base = live.byRates.get(level.rates)!;
    const pickupNode = req.fulfilment === 'ship' ? null : (req.pickupNode ?? null);

    // Merge repeated skus; unknown skus are left to the caller (they wait, see allocation).
    const quantities = new Map<string, number>();
    const unknownSkus: string[] = [];
    for (const l of req.lines) {
      if (!live.weights.has(l.sku)) {
        if (!unknownSkus.includes(l.sku)) unknownSkus.push(l.sku);
        continue;
      }
      quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
    }
    const skus = [...quantities.keys()];
    const K = skus.length;
    const N = base.nodeCount;

    const index = this.availability?.started ? this.availability : null;
    const channel = req.channel !== null && index?.channel(req.channel) ? req.channel : null;
    const excluded = new Set(opts.excludeNodes ?? []);
    const enabled = new Uint8Array(N);
    const extraDays = Int32Array.from(base.extraDays);
    const capacity = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const info = live.nodes[i]!;
      const online = index ? index.maySell(channel, info.id) : info.status === 'online';
      // A pickup node serves its own click & collect orders whatever the channel's rule says.
      const pickupOwn = pickupNode === info.id && (index ? index.node(info.id)?.status === 'online' : online);
      enabled[i] = (online || pickupOwn) && !excluded.has(info.id) ? 1 : 0;
      if (info.cutoffMinute < 0 && info.dailyCapacity === null) {
        capacity[i] = Number.POSITIVE_INFINITY;
        continue;
      }
      // The node's local clock, computed once per zone per minute (shared by every order).
      const clock = clockAt(info.timezone, now);
      if (info.cutoffMinute >= 0 && clock.minuteOfDay >= info.cutoffMinute) extraDays[i] = extraDays[i]! + 1;
      capacity[i] =
        info.dailyCapacity === null
          ? Number.POSITIVE_INFINITY
          : Math.max(0, info.dailyCapacity - (this.usage.get(capacityKey(info.id, clock.day)) ?? 0));
    }

    const available = new Int32Array(N * K);
    const fromDb = index ? null : await this.readAtp(skus, opts.db);
    const override = opts.freshAtp ?? fromDb;
    for (let k = 0; k < K; k++) {
      const sku = skus[k]!;
      for (let i = 0; i < N; i++) {
        if (!enabled[i]) continue;
        const id = base.nodeIds[i]!;
        // Keys are built only when figures read from the database override the index.
        const fresh = override
          ? (opts.freshAtp?.get(`${id}\u0000${sku}`) ?? fromDb?.get(`${id}\u0000${sku}`))
          : undefined;
        available[i * K + k] = fresh ?? (index ? index.atp(sku, id) : 0);
      }
    }

    const weight = Float64Array.from(skus, (s) => live.weights.get(s)!);
    const network: RoutingNetwork = {
      ...base,
      definition: { ...base.definition, items: skus.map((sku, k) => ({ sku, weight: weight[k]! })) },
      skuCount: K,
      skuIds: skus,
      skuIndex: new Map(skus.map((s, k) => [s, k])),
      weight,
      enabled,
      extraDays,
    };
    const stock: StockSnapshot = { network, available, capacity };
    const latestDays = opts.relaxLatestDays ? null : level.latestDays;
    // Ship-to-store: shipped to the store's door; the store's own stock makes it a pickup.
    const storePoint =
      req.fulfilment === 'ship-to-store' && pickupNode ? this.pointOf(base, pickupNode) : null;
    const input: RouteOrderInput = {
      network,
      stock,
      order: {
        id: req.id,
        destination: storePoint ?? req.destination,
        lines: skus.map((sku) => ({ sku, quantity: quantities.get(sku)! })),
        ...(req.fulfilment === 'pickup' && pickupNode ? { pickupNode } : {}),
        ...(latestDays !== null && req.fulfilment !== 'pickup' ? { latestDays } : {}),
        ...(req.channel ? { channel: req.channel } : {}),
        placedAt: (req.placedAt ?? now).toISOString(),
      },
      policy: this.policy(),
      options: { explain: true },
    };
    return { input, unknownSkus, pickupNode };
  }

  /**
   * Routes one order: the engine's decision under the active policy. When the service level's
   * transit limit leaves units unserved that a slower plan would serve, routes again without it.
   */
  async route(
    req: RoutingRequest,
    opts: InputOptions = {},
  ): Promise<{ decision: RoutingDecision } & PreparedInput> {
    const prepared = await this.inputFor(req, opts);
    const decision = routeOrder(prepared.input);
    if (
      decision.outcome !== 'complete' &&
      prepared.input.order.latestDays !== undefined &&
      !opts.relaxLatestDays
    ) {
      const relaxed = await this.inputFor(req, { ...opts, relaxLatestDays: true });
      const second = routeOrder(relaxed.input);
      if (unfilledUnits(second) < unfilledUnits(decision)) return { decision: second, ...relaxed };
    }
    return { decision, ...prepared };
  }

  private pointOf(net: RoutingNetwork, nodeId: string): { lat: number; lon: number } | null {
    const i = net.nodeIndex.get(nodeId);
    return i === undefined ? null : { lat: net.lat[i]!, lon: net.lon[i]! };
  }

  /** ATP per `node\u0000sku` straight from the positions (no index in this process, or after a shortage). */
  async readAtp(skus: readonly string[], db: Db = this.db): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (skus.length === 0) return out;
    const rows = await db
      .selectFrom('inventory_positions')
      .select(['node_id', 'sku', 'on_hand', 'reserved', 'safety_stock'])
      .where('sku', 'in', skus as string[])
      .execute();
    for (const r of rows)
      out.set(`${r.node_id}\u0000${r.sku}`, Math.max(0, r.on_hand - r.reserved - r.safety_stock));
    return out;
  }
}

export function unfilledUnits(d: RoutingDecision): number {
  return d.plan.unfilled.reduce((s, l) => s + l.quantity, 0);
}
