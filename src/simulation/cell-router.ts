import { billablePounds } from '../routing/billable-pounds.ts';
import { haversineMiles } from '../routing/geo-distance.ts';
import {
  type RouteOptions,
  type RoutingDecision,
  type RoutingNetwork,
  type RoutingOrder,
  type RoutingPolicy,
  routeOrder,
  type StockSnapshot,
} from '../routing/index.ts';
import { subNetwork } from './sub-network.ts';

/** Cells of this many degrees of latitude and longitude share one pruned candidate list. */
const CELL_DEGREES = 0.5;
/**
 * Nodes kept per cell, in tiers: the cheapest by their least possible package cost from the
 * cell. A small tier settles most orders; a larger one most of the rest before the full network.
 */
const TIERS = [16, 48];

/** A small network of kept nodes, shared by every cell that keeps the same nodes. */
interface SubNetwork {
  network: RoutingNetwork;
  stock: StockSnapshot;
  /** Global index of each local node. */
  global: Int32Array;
}

interface Tier extends SubNetwork {
  /** No package from a node left out can cost less than this (for any point of the cell). */
  threshold: number;
  /** Least price per billable pound beyond the first of any node left out (0 for linear rates). */
  perLb: number;
}

interface Cell {
  /** Built on first use: most orders never need the larger tiers. */
  tiers: (Tier | undefined)[];
  /** Node indices by least package cost, with those costs and least prices per pound. */
  order: number[];
  least: Float64Array;
  perLb: Float64Array;
  /** Least package cost of any node from the cell: what a second package costs at least. */
  second: number;
}

/**
 * Candidate pruning per destination cell, exact by certificate. For a cell of the destination
 * grid, every node's least possible package cost to any point of the cell is bounded from below
 * (handling + cheapest band price over the cell's distance range + day cost + CO2e per package);
 * the KEEP cheapest nodes form a small network. An order is routed on that network against a
 * copy of just its skus' stock; when the plan costs less than the cheapest package any left-out
 * node could send, no plan using a left-out node can be cheaper, so it is the engine's optimum
 * on the whole network. Otherwise the order is routed on the whole network.
 *
 * Only for the optimal strategy without priority groups (tiers change what "optimal" means) and
 * for shipped (not pickup) orders.
 */
export class CellRouter {
  private readonly cells = new Map<number, Cell | null>();
  private readonly subnetworks = new Map<string, SubNetwork>();
  /** Stock and capacity arrays per network size, shared: each order copies in what it reads. */
  private readonly scratchBySize = new Map<number, { available: Int32Array; capacity: Float64Array }>();
  private readonly penalty: number;
  readonly stats = { fast: 0, fallback: 0 };

  constructor(
    private readonly network: RoutingNetwork,
    private readonly stock: StockSnapshot,
    private readonly policy: RoutingPolicy,
    private readonly options: RouteOptions,
  ) {
    this.penalty = policy.unfilledPenalty ?? 1000;
  }

  static applies(policy: RoutingPolicy, strategy: string | undefined): boolean {
    return (
      (strategy ?? 'optimal') === 'optimal' && !(policy.priorityGroups && policy.priorityGroups.length > 0)
    );
  }

  route(order: RoutingOrder): RoutingDecision {
    if (order.pickupNode !== undefined) return this.routeFull(order);
    const cy = Math.floor(order.destination.lat / CELL_DEGREES);
    const cx = Math.floor(order.destination.lon / CELL_DEGREES);
    const key = (cy + 1000) * 4000 + (cx + 2000);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = this.buildCell(cy, cx);
      this.cells.set(key, cell);
    }
    if (!cell) {
      this.stats.fallback++;
      return this.routeFull(order);
    }
    for (let t = 0; t < cell.tiers.length; t++) {
      let tier = cell.tiers[t];
      if (!tier) {
        tier = this.tier(cell.order, TIERS[t]!, cell.least, cell.perLb);
        cell.tiers[t] = tier;
      }
      const d = this.routeOn(tier, order);
      if (
        d &&
        d.outcome !== 'invalid-order' &&
        d.cost.total < this.bound(order, tier, cell, d.plan.unfilled.length > 0) - 1e-9
      ) {
        this.stats.fast++;
        return d;
      }
    }
    this.stats.fallback++;
    return this.routeFull(order);
  }

  private routeFull(order: RoutingOrder): RoutingDecision {
    return routeOrder({
      network: this.network,
      stock: this.stock,
      order,
      policy: this.policy,
      options: this.options,
    });
  }

  /** Routes on a tier's network against a copy of the order's skus' stock (null: unknown sku). */
  private routeOn(tier: Tier, order: RoutingOrder): RoutingDecision | null {
    const S = this.network.skuCount;
    const skuIndex = this.network.skuIndex;
    const src = this.stock.available;
    const dst = tier.stock.available;
    const g = tier.global;
    const M = g.length;
    for (const line of order.lines) {
      const s = skuIndex.get(line.sku);
      if (s === undefined) return null;
      for (let l = 0; l < M; l++) dst[l * S + s] = src[g[l]! * S + s]!;
    }
    const cap = tier.stock.capacity;
    for (let l = 0; l < M; l++) cap[l] = this.stock.capacity[g[l]!]!;
    return routeOrder({
      network: tier.network,
      stock: tier.stock,
      order,
      policy: this.policy,
      options: this.options,
    });
  }

  /**
   * Least cost of any plan that uses a left-out node e: units no node holds are unfilled in
   * every plan (U of them, a penalty each); on top, e's package and the least of a second
   * package, one more unfilled unit, or e's price per pound for all shippable weight.
   */
  private bound(order: RoutingOrder, tier: Tier, cell: Cell, short: boolean): number {
    const net = this.network;
    const S = net.skuCount;
    const avail = this.stock.available;
    let unavoidable = 0;
    let weight = 0;
    for (const line of order.lines) {
      const s = net.skuIndex.get(line.sku)!;
      let shippable = line.quantity;
      if (short) {
        // Every node's stock counts (even nodes the policy excludes): an upper bound on supply.
        let supply = 0;
        for (let n = 0; n < net.nodeCount && supply < line.quantity; n++)
          supply += Math.max(0, avail[n * S + s]!);
        shippable = Math.min(line.quantity, supply);
        unavoidable += line.quantity - shippable;
      }
      weight += shippable * net.weight[s]!;
    }
    const extra = Math.min(cell.second, this.penalty, tier.perLb * (billablePounds(weight) - 1));
    return this.penalty * unavoidable + tier.threshold + extra;
  }

  private buildCell(cy: number, cx: number): Cell | null {
    const net = this.network;
    const N = net.nodeCount;
    const lat0 = cy * CELL_DEGREES;
    const lon0 = cx * CELL_DEGREES;
    const clat = lat0 + CELL_DEGREES / 2;
    const clon = lon0 + CELL_DEGREES / 2;
    // Every point of the cell is within `radius` of its centre: the farthest corner.
    let radius = 0;
    for (const [la, lo] of [
      [lat0, lon0],
      [lat0, lon0 + CELL_DEGREES],
      [lat0 + CELL_DEGREES, lon0],
      [lat0 + CELL_DEGREES, lon0 + CELL_DEGREES],
    ] as const)
      radius = Math.max(radius, haversineMiles(clat, clon, la, lo));
    radius *= 1.000001;
    const p = this.policy;
    const cw = p.costWeight ?? 1;
    const dayCost = p.dayCost ?? 0;
    const co2e = (p.co2e?.costPerKg ?? 0) * (p.co2e?.kgPerPackage ?? 0);
    const rates = net.rates;
    const bands = rates.bands;
    const least = new Float64Array(N);
    const perLb = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < N; i++) {
      const d = haversineMiles(clat, clon, net.lat[i]!, net.lon[i]!);
      const lo = Math.max(0, d - radius);
      const hi = d + radius;
      let best = Number.POSITIVE_INFINITY;
      let from = 0;
      for (let b = 0; b < bands.length; b++) {
        const band = bands[b]!;
        const top = band.maxMiles ?? Number.POSITIVE_INFINITY;
        // Band b covers (from, top]; it matters when that range meets [lo, hi].
        if (top >= lo && from <= hi) {
          const base = rates.model === 'zone' ? rates.bands[b]!.base : rates.perPackage;
          const v = cw * (net.handling[i]! + base) + dayCost * (band.days + net.extraDays[i]!) + co2e;
          if (v < best) best = v;
          const lb = rates.model === 'zone' ? cw * rates.bands[b]!.perLb : 0;
          if (lb < perLb[i]!) perLb[i] = lb;
        }
        from = top;
      }
      least[i] = best;
    }
    const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => least[a]! - least[b]! || a - b);
    const tiers = TIERS.filter((k) => k < N).map(() => undefined);
    return tiers.length > 0 ? { tiers, order, least, perLb, second: least[order[0]!]! } : null;
  }

  private scratch(size: number): { available: Int32Array; capacity: Float64Array } {
    let s = this.scratchBySize.get(size);
    if (!s) {
      s = { available: new Int32Array(size * this.network.skuCount), capacity: new Float64Array(size) };
      this.scratchBySize.set(size, s);
    }
    return s;
  }

  private tier(order: readonly number[], keep: number, least: Float64Array, perLb: Float64Array): Tier {
    const net = this.network;
    const kept = order.slice(0, keep).sort((a, b) => a - b);
    let minPerLb = Number.POSITIVE_INFINITY;
    for (const i of order.slice(keep)) minPerLb = Math.min(minPerLb, perLb[i]!);
    const key = kept.join(',');
    let sub = this.subnetworks.get(key);
    if (!sub) {
      const network = subNetwork(net, kept);
      sub = {
        network,
        stock: { network, ...this.scratch(keep) },
        global: Int32Array.from(kept),
      };
      this.subnetworks.set(key, sub);
    }
    return { ...sub, threshold: least[order[keep]!]!, perLb: minPerLb };
  }
}
