import { billablePounds } from '../routing/billable-pounds.ts';
import { compilePolicy } from '../routing/compiled-policy.ts';
import { haversineMiles } from '../routing/geo-distance.ts';
import {
  type RouteOptions,
  type RouteOrderInput,
  type RoutingDecision,
  type RoutingNetwork,
  type RoutingOrder,
  type RoutingPolicy,
  routeOrder,
  type StockSnapshot,
} from '../routing/index.ts';

/** Cells of this many degrees of latitude and longitude share one pruned candidate list. */
const CELL_DEGREES = 0.5;
/**
 * Nodes kept per cell, in tiers: the cheapest by their least possible package cost from the
 * cell. A small tier settles most orders; a larger one most of the rest before the full network.
 */
const TIERS: readonly number[] = [16, 48];

interface Tier {
  /** How many of the cell's cheapest nodes it keeps. */
  keep: number;
  /** Route options restricted to the kept nodes (global indices, ascending). */
  options: RouteOptions;
  /** No package from a node left out can cost less than this (for any point of the cell). */
  threshold: number;
  /** Least price per billable pound beyond the first of any node left out (0 for linear rates). */
  perLb: number;
}

interface Cell {
  /** Built on first use: most orders never need the larger tiers. */
  tiers: (Tier | undefined)[];
  /** Every node by least package cost (ties: lower index first), sorted on first use. */
  sorted: Int32Array | null;
  /** The cheapest nodes by least package cost (as many as the largest tier keeps, plus one). */
  order: Int32Array;
  least: Float64Array;
  perLb: Float64Array;
  /** Least package cost of any node from the cell: what a second package costs at least. */
  second: number;
  /** Least price per pound beyond the first of any node. */
  perLbAll: number;
}

/**
 * Candidate pruning per destination cell, exact by certificate. For a cell of the destination
 * grid, every node's least possible package cost to any point of the cell is bounded from below
 * (handling + cheapest band price over the cell's distance range + day cost + CO2e per package);
 * the KEEP cheapest nodes are the order's candidates (the engine's `candidateNodes`: the
 * decision on the network of just those nodes, reading the shared stock in place). When the
 * plan costs less than the cheapest package any left-out node could send, no plan using a
 * left-out node can be cheaper, so it is the engine's optimum on the whole network. Otherwise
 * the next tier, then the whole network, decides.
 *
 * Only for the optimal strategy without priority groups (tiers change what "optimal" means) and
 * for shipped (not pickup) orders.
 */
export class CellRouter {
  private readonly cells = new Map<number, Cell | null>();
  private readonly penalty: number;
  /** One input object, refilled per call: routeOrder is synchronous and keeps no reference. */
  private readonly input: RouteOrderInput;
  readonly stats = { fast: 0, fallback: 0 };
  /** Sku indices and shippable weight of the order being bounded. */
  private skus = new Int32Array(16);
  private shippable = new Int32Array(16);
  private shippableWeight = 0;

  constructor(
    private readonly network: RoutingNetwork,
    private readonly stock: StockSnapshot,
    private readonly policy: RoutingPolicy,
    private readonly options: RouteOptions,
    /** Nodes kept per tier, ascending (default TIERS). */
    private readonly tierSizes: readonly number[] = TIERS,
  ) {
    this.penalty = policy.unfilledPenalty ?? 1000;
    this.input = {
      network,
      stock,
      order: { id: '', destination: { lat: 0, lon: 0 }, lines: [] },
      policy,
      options,
    };
  }

  static applies(policy: RoutingPolicy, strategy: string | undefined): boolean {
    return (
      (strategy ?? 'optimal') === 'optimal' && !(policy.priorityGroups && policy.priorityGroups.length > 0)
    );
  }

  route(order: RoutingOrder): RoutingDecision {
    if (order.pickupNode !== undefined) return this.routeWith(order, this.options);
    const cy = Math.floor(order.destination.lat / CELL_DEGREES);
    const cx = Math.floor(order.destination.lon / CELL_DEGREES);
    const key = (cy + 1000) * 4000 + (cx + 2000);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = this.buildCell(cy, cx);
      this.cells.set(key, cell);
    }
    if (cell) {
      for (let t = 0; t < cell.tiers.length; t++) {
        let tier = cell.tiers[t];
        if (!tier) {
          tier = this.tier(cell, this.tierSizes[t]!);
          cell.tiers[t] = tier;
        }
        const d = this.routeWith(order, tier.options);
        if (d.outcome === 'invalid-order') break;
        const cost = d.cost.total;
        const base = this.unavoidable(order, d.plan.unfilled.length > 0);
        const pounds = billablePounds(this.shippableWeight);
        // Quick: e's package at the tier's threshold, plus the least of a second package, one
        // more unfilled unit, or the least price per pound of all shippable weight.
        const quick =
          base + tier.threshold + Math.min(cell.second, this.penalty, times(tier.perLb, pounds - 1));
        if (
          cost < quick - 1e-9 ||
          cost < base + this.leftOutBound(cell, tier.keep, order, cost - base) - 1e-9
        ) {
          this.stats.fast++;
          return d;
        }
      }
    }
    this.stats.fallback++;
    return this.routeWith(order, this.options);
  }

  private routeWith(order: RoutingOrder, options: RouteOptions): RoutingDecision {
    const input = this.input;
    input.order = order;
    input.options = options;
    return routeOrder(input);
  }

  /**
   * Penalty of the units no node holds (unfilled in every plan); leaves the order's sku
   * indices in `skus` and the weight of the units that could ship in `shippableWeight`.
   */
  private unavoidable(order: RoutingOrder, short: boolean): number {
    const net = this.network;
    const S = net.skuCount;
    const avail = this.stock.available;
    const lines = order.lines;
    if (this.skus.length < lines.length) {
      this.skus = new Int32Array(lines.length * 2);
      this.shippable = new Int32Array(lines.length * 2);
    }
    let unavoidable = 0;
    let weight = 0;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      const s = net.skuIndex.get(line.sku)!;
      this.skus[k] = s;
      let shippable = line.quantity;
      if (short) {
        // Every node's stock counts (even nodes the policy excludes): an upper bound on supply.
        let supply = 0;
        for (let n = 0; n < net.nodeCount && supply < line.quantity; n++)
          supply += Math.max(0, avail[n * S + s]!);
        shippable = Math.min(line.quantity, supply);
        unavoidable += line.quantity - shippable;
      }
      this.shippable[k] = shippable;
      weight += shippable * net.weight[s]!;
    }
    this.shippableWeight = weight;
    return this.penalty * unavoidable;
  }

  /**
   * Least cost, beyond the unavoidable penalty, of a plan that uses a node e left out of the
   * first `keep`: e needs a unit of the order in stock and capacity left; its package costs at
   * least least[e], and on top the plan leaves one more unit unfilled (a penalty), or ships all
   * shippable weight W from e alone (e's price per pound), or sends n >= 2 packages (each at
   * least the cell's cheapest, and at least the least price per pound of any node on all but
   * n pounds, since n packages are billed at least ceil(W) pounds together). Nodes are walked
   * by least package cost; the walk ends once no later node can go below the best found or
   * below `enough`.
   */
  private leftOutBound(cell: Cell, keep: number, order: RoutingOrder, enough: number): number {
    if (!cell.sorted) cell.sorted = sortedByLeast(cell.least);
    const sorted = cell.sorted;
    const least = cell.least;
    const S = this.network.skuCount;
    const avail = this.stock.available;
    const capacity = this.stock.capacity;
    const K = order.lines.length;
    const skus = this.skus;
    const shippable = this.shippable;
    const W = this.shippableWeight;
    const pounds = billablePounds(W) - 1;
    // n packages are billed at least ceil(W - n * 1e-6) pounds (billing rounds to 6 decimals).
    const multi = Math.min(
      cell.second + times(cell.perLbAll, Math.ceil(W - 2e-6) - 2),
      cell.second * Math.max(1, Math.ceil(W - 1e-6) - 1),
    );
    const floor = Math.min(0, this.penalty, multi);
    let best = Number.POSITIVE_INFINITY;
    for (let j = keep; j < sorted.length; j++) {
      const e = sorted[j]!;
      const v = least[e]!;
      if (v + floor >= best || v + floor > enough + 1e-9) return Math.min(best, v + floor);
      if (capacity[e]! < 1) continue;
      const row = e * S;
      let holds = false;
      let all = true;
      for (let k = 0; k < K; k++) {
        const a = avail[row + skus[k]!]!;
        if (a > 0) holds = true;
        if (a < shippable[k]!) all = false;
      }
      if (!holds) continue;
      // Alone, e ships all shippable units only when it holds them all.
      const alone = all ? times(cell.perLb[e]!, pounds) : Number.POSITIVE_INFINITY;
      const b = v + Math.min(this.penalty, alone, multi);
      if (b < best) best = b;
    }
    return best;
  }

  private buildCell(cy: number, cx: number): Cell | null {
    const net = this.network;
    const N = net.nodeCount;
    const tiers = this.tierSizes.filter((k) => k < N).map(() => undefined);
    if (tiers.length === 0) return null;
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
    // Nodes the policy can never use count as infinitely dear: they are never kept for their
    // cost and never bound anything (no plan can use them).
    const excluded = compilePolicy(p, net).excluded;
    for (let i = 0; i < N; i++) {
      if (!net.enabled[i] || !net.ships[i] || excluded[i]) {
        least[i] = Number.POSITIVE_INFINITY;
        continue;
      }
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
    const order = cheapest(least, Math.min(N, this.tierSizes[tiers.length - 1]! + 1));
    let perLbAll = Number.POSITIVE_INFINITY;
    for (let i = 0; i < N; i++) if (perLb[i]! < perLbAll) perLbAll = perLb[i]!;
    return { tiers, sorted: null, order, least, perLb, second: least[order[0]!]!, perLbAll };
  }

  private tier(cell: Cell, keep: number): Tier {
    const N = this.network.nodeCount;
    const kept = cell.order.slice(0, keep).sort();
    const isKept = new Uint8Array(N);
    for (const i of kept) isKept[i] = 1;
    let minPerLb = Number.POSITIVE_INFINITY;
    for (let i = 0; i < N; i++) if (!isKept[i] && cell.perLb[i]! < minPerLb) minPerLb = cell.perLb[i]!;
    return {
      keep,
      options: { ...this.options, candidateNodes: kept },
      threshold: cell.least[cell.order[keep]!]!,
      perLb: minPerLb,
    };
  }
}

function sortedByLeast(least: Float64Array): Int32Array {
  const all = Int32Array.from(least, (_, i) => i);
  return all.sort((a, b) => least[a]! - least[b]! || a - b);
}

/** a * n for n > 0, else 0 (a may be Infinity when no node has a price per pound). */
function times(a: number, n: number): number {
  return n > 0 ? a * n : 0;
}

/** The `count` nodes of least `least` (ties: lower index first), in that order. */
function cheapest(least: Float64Array, count: number): Int32Array {
  const top = new Int32Array(count);
  let size = 0;
  for (let i = 0; i < least.length; i++) {
    const v = least[i]!;
    // Later indices lose ties, so a node enters only when strictly cheaper than the last kept.
    if (size === count && !(v < least[top[size - 1]!]!)) continue;
    let at = size < count ? size++ : size - 1;
    while (at > 0 && v < least[top[at - 1]!]!) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}
