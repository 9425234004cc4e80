import {
  createStockSnapshot,
  type RouteOptions,
  type RoutingDecision,
  type RoutingNetwork,
  routeBatch,
  routeOrder,
  type StockSnapshot,
} from '../routing/index.ts';
import { CellRouter } from './cell-router.ts';
import { MetricsAccumulator } from './metrics.ts';
import type { PolicySpec, Scenario, SimOrder, SimulationOptions } from './sim-types.ts';

/** Budgets that do not depend on the clock, so a replay is the same on any machine. */
const ROUTE_OPTIONS: RouteOptions = { explain: false, timeBudgetMs: 60_000, maxSearchNodes: 2_000_000 };

/**
 * One policy's side of the replay: its own stock and capacity (every policy starts from the
 * same state and sees the same orders), its decisions and its metrics.
 */
export class PolicyRunner {
  readonly stock: StockSnapshot;
  readonly metrics: MetricsAccumulator;
  private readonly router: CellRouter | null;
  private readonly options: RouteOptions;
  private readonly dayCap: Float64Array;
  private readonly usedToday: Float64Array;
  private readonly soft: boolean;
  private readonly cutoffs: boolean;
  private day = 0;
  private queue: SimOrder[] = [];
  private window = -1;
  private nodeOf = new Int32Array(16);

  constructor(
    private readonly scenario: Scenario,
    readonly spec: PolicySpec,
    private readonly network: RoutingNetwork,
    options: SimulationOptions,
    emissions: { kgPerPackage: number; kgPerLbMile: number },
  ) {
    this.stock = createStockSnapshot(network, scenario.initialStock);
    this.metrics = new MetricsAccumulator(network, scenario.days, emissions);
    this.options = { ...ROUTE_OPTIONS, ...(spec.strategy ? { strategy: spec.strategy } : {}) };
    const fast = (options.fastPath ?? true) && CellRouter.applies(spec.policy, spec.strategy) && !spec.batch;
    this.router = fast ? new CellRouter(network, this.stock, spec.policy, this.options) : null;
    this.soft = options.capacityMode === 'soft';
    this.dayCap = Float64Array.from(
      network.nodeIds,
      (id) => scenario.dailyCapacity.get(id) ?? Number.POSITIVE_INFINITY,
    );
    this.usedToday = new Float64Array(network.nodeCount);
    this.cutoffs = (spec.policy.cutoffs?.length ?? 0) > 0;
    this.resetCapacity();
  }

  get isBatch(): boolean {
    return this.spec.batch !== undefined;
  }

  /** Fast-path share of this policy's decisions (null when the fast path does not apply). */
  get fastPathStats(): { fast: number; fallback: number } | null {
    return this.router ? { ...this.router.stats } : null;
  }

  /** Closes the day: counts nodes that used their whole capacity, then opens `day`. */
  startDay(day: number, replenish: { index: Int32Array; level: Int32Array } | null): void {
    for (let i = 0; i < this.dayCap.length; i++) {
      const cap = this.dayCap[i]!;
      if (Number.isFinite(cap) && this.usedToday[i]! >= cap) this.metrics.atCapacity++;
    }
    this.day = day;
    this.resetCapacity();
    if (replenish) {
      const a = this.stock.available;
      for (let x = 0; x < replenish.index.length; x++) {
        const at = replenish.index[x]!;
        if (a[at]! < replenish.level[x]!) a[at] = replenish.level[x]!;
      }
    }
  }

  private resetCapacity(): void {
    this.usedToday.fill(0);
    for (let i = 0; i < this.dayCap.length; i++)
      this.stock.capacity[i] = this.soft ? Number.POSITIVE_INFINITY : this.dayCap[i]!;
  }

  /** Routes an order at once (on-arrival policies). */
  accept(order: SimOrder): void {
    const o = this.cutoffs ? { ...order, placedAt: this.placedAt(order) } : order;
    const d = this.router
      ? this.router.route(o)
      : routeOrder({
          network: this.network,
          stock: this.stock,
          order: o,
          policy: this.spec.policy,
          options: this.options,
        });
    this.commit(order, d);
  }

  /** Batch policies: true when `order` falls in a later window than the orders held (or the window is full). */
  needsFlush(order: SimOrder): boolean {
    if (this.queue.length === 0) return false;
    const b = this.spec.batch!;
    return this.windowOf(order) !== this.window || this.queue.length >= (b.maxOrders ?? 500);
  }

  hold(order: SimOrder): void {
    if (this.queue.length === 0) this.window = this.windowOf(order);
    this.queue.push(this.cutoffs ? { ...order, placedAt: this.placedAt(order) } : order);
  }

  /** Optimises the held orders together (the engine's batch mode) and commits their plans. */
  async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    const orders = this.queue;
    this.queue = [];
    const b = this.spec.batch!;
    const result = await routeBatch(this.network, this.stock, orders, this.spec.policy, {
      method: b.method ?? 'heuristic',
      explain: false,
      timeBudgetMs: 600_000,
    });
    for (const [i, d] of result.decisions.entries()) this.commit(orders[i]!, d);
  }

  private windowOf(order: SimOrder): number {
    return Math.floor(order.minute / Math.max(1e-9, this.spec.batch!.windowMinutes));
  }

  private placedAt(order: SimOrder): string {
    return new Date(this.scenario.startMs + order.minute * 60_000).toISOString();
  }

  private commit(order: SimOrder, d: RoutingDecision): void {
    // applyPlan, with each node looked up once for stock, capacity and the metrics.
    const net = this.network;
    const S = net.skuCount;
    const stock = this.stock;
    const shipments = d.plan.shipments;
    if (this.nodeOf.length < shipments.length) this.nodeOf = new Int32Array(shipments.length * 2);
    for (let x = 0; x < shipments.length; x++) {
      const sh = shipments[x]!;
      const i = net.nodeIndex.get(sh.node);
      if (i === undefined) throw new RangeError(`plan refers to unknown node ${sh.node}`);
      this.nodeOf[x] = i;
      stock.capacity[i] = stock.capacity[i]! - 1;
      for (const l of sh.lines) {
        const s = net.skuIndex.get(l.sku);
        if (s === undefined) throw new RangeError(`plan refers to unknown sku ${l.sku}`);
        stock.available[i * S + s] = stock.available[i * S + s]! - l.quantity;
      }
      const used = this.usedToday[i]! + 1;
      this.usedToday[i] = used;
      if (this.soft && used > this.dayCap[i]!) this.metrics.breaches++;
    }
    this.metrics.add(order, d, this.day, this.nodeOf);
  }
}
