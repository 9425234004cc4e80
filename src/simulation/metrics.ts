import { billablePounds } from '../routing/billable-pounds.ts';
import type { RoutingDecision, RoutingNetwork } from '../routing/index.ts';
import type { SimOrder } from './sim-types.ts';

/** Longest transit tracked one by one; anything slower counts in the last bucket. */
const MAX_DAYS = 30;
const MAX_PACKAGES = 10;

/** The figures of one policy over the whole replay (definitions in docs/simulation.md). */
export interface PolicyMetrics {
  orders: number;
  /** Money per order: handling plus carrier price of every package (no penalty, no weights). */
  costPerOrder: number;
  /** The engine's objective per order under the policy (includes unfilled penalty, day cost). */
  objectivePerOrder: number;
  packagesPerOrder: number;
  unitsPerPackage: number;
  /** Share of orders with at least one package that got two or more. */
  splitRate: number;
  /** Days until the order's last package arrives, over orders with a package. */
  meanTransitDays: number;
  p95TransitDays: number;
  /** Share of orders delivered complete within their promised days. */
  onTimeShare: number;
  unfilledUnits: number;
  /** Share of ordered units that were not shipped. */
  unfilledShare: number;
  /** Packages sent beyond a node's daily capacity (soft capacity mode only). */
  capacityBreaches: number;
  /** Node-days on which a node used all of its daily capacity. */
  nodeDaysAtCapacity: number;
  co2eKg: number;
  co2eKgPerOrder: number;
}

export interface PolicySeries {
  /** Per day: orders, money cost, packages, unfilled units. */
  ordersPerDay: number[];
  costPerDay: number[];
  packagesPerDay: number[];
  unfilledPerDay: number[];
  /** Orders by number of packages (index 0..10, the last = 10 or more). */
  packagesHistogram: number[];
  /** Orders by transit days (index = days, the last = 30 or more). */
  transitHistogram: number[];
  /** Packages per node id. */
  nodePackages: Record<string, number>;
  /** Packages per (node, destination grid cell of 1 degree), for the map. */
  flows: { node: string; lat: number; lon: number; packages: number }[];
}

/** Adds up one policy's decisions; `finish` turns the sums into the report's figures. */
export class MetricsAccumulator {
  private orders = 0;
  private served = 0;
  private money = 0;
  private objective = 0;
  private packages = 0;
  private units = 0;
  private split = 0;
  private onTime = 0;
  private unfilled = 0;
  private orderedUnits = 0;
  private co2e = 0;
  breaches = 0;
  atCapacity = 0;
  private readonly transit = new Float64Array(MAX_DAYS + 1);
  private readonly packageCounts = new Float64Array(MAX_PACKAGES + 1);
  private readonly perDay: { orders: number[]; cost: number[]; packages: number[]; unfilled: number[] };
  private readonly nodePackages: Float64Array;
  private readonly flows = new Map<number, number>();

  constructor(
    private readonly network: RoutingNetwork,
    days: number,
    private readonly emissions: { kgPerPackage: number; kgPerLbMile: number },
  ) {
    const zero = () => new Array<number>(Math.max(1, days)).fill(0);
    this.perDay = { orders: zero(), cost: zero(), packages: zero(), unfilled: zero() };
    this.nodePackages = new Float64Array(network.nodeCount);
  }

  /** `nodeOf[x]` is the node index of the decision's shipment x. */
  add(order: SimOrder, d: RoutingDecision, day: number, nodeOf: Int32Array): void {
    const net = this.network;
    this.orders++;
    this.objective += d.cost.total;
    let orderMoney = 0;
    let slowest = 0;
    const shipments = d.plan.shipments;
    for (let x = 0; x < shipments.length; x++) {
      const s = shipments[x]!;
      const i = nodeOf[x]!;
      orderMoney += packageMoney(net, i, s.pickup, s.miles, s.weightLb, s.lines);
      for (const l of s.lines) this.units += l.quantity;
      if (s.days > slowest) slowest = s.days;
      if (!s.pickup)
        this.co2e += this.emissions.kgPerPackage + this.emissions.kgPerLbMile * s.weightLb * s.miles;
      if (i >= 0) {
        this.nodePackages[i] = this.nodePackages[i]! + 1;
        const cell =
          (Math.floor(order.destination.lat) + 90) * 360 + (Math.floor(order.destination.lon) + 180);
        const key = i * 65_536 + cell;
        this.flows.set(key, (this.flows.get(key) ?? 0) + 1);
      }
    }
    let short = 0;
    for (const u of d.plan.unfilled) short += u.quantity;
    for (const l of order.lines) this.orderedUnits += l.quantity;
    this.unfilled += short;
    this.money += orderMoney;
    this.packages += shipments.length;
    const n = Math.min(MAX_PACKAGES, shipments.length);
    this.packageCounts[n] = this.packageCounts[n]! + 1;
    if (shipments.length > 0) {
      this.served++;
      if (shipments.length > 1) this.split++;
      const t = Math.min(MAX_DAYS, slowest);
      this.transit[t] = this.transit[t]! + 1;
      if (short === 0 && slowest <= order.promiseDays) this.onTime++;
    }
    const at = Math.min(day, this.perDay.orders.length - 1);
    this.perDay.orders[at]! += 1;
    this.perDay.cost[at]! += orderMoney;
    this.perDay.packages[at]! += shipments.length;
    this.perDay.unfilled[at]! += short;
  }

  finish(): { metrics: PolicyMetrics; series: PolicySeries } {
    const per = (v: number, n: number) => (n > 0 ? v / n : 0);
    let meanDays = 0;
    for (let t = 0; t <= MAX_DAYS; t++) meanDays += t * this.transit[t]!;
    const metrics: PolicyMetrics = {
      orders: this.orders,
      costPerOrder: per(this.money, this.orders),
      objectivePerOrder: per(this.objective, this.orders),
      packagesPerOrder: per(this.packages, this.orders),
      unitsPerPackage: per(this.units, this.packages),
      splitRate: per(this.split, this.served),
      meanTransitDays: per(meanDays, this.served),
      p95TransitDays: quantileOfHistogram(this.transit, 0.95),
      onTimeShare: per(this.onTime, this.orders),
      unfilledUnits: this.unfilled,
      unfilledShare: per(this.unfilled, this.orderedUnits),
      capacityBreaches: this.breaches,
      nodeDaysAtCapacity: this.atCapacity,
      co2eKg: this.co2e,
      co2eKgPerOrder: per(this.co2e, this.orders),
    };
    const nodePackages: Record<string, number> = {};
    this.network.nodeIds.forEach((id, i) => {
      if (this.nodePackages[i]! > 0) nodePackages[id] = this.nodePackages[i]!;
    });
    const flows = [...this.flows.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 400)
      .map(([key, packages]) => {
        const i = Math.floor(key / 65_536);
        const cell = key % 65_536;
        return {
          node: this.network.nodeIds[i]!,
          lat: Math.floor(cell / 360) - 90 + 0.5,
          lon: (cell % 360) - 180 + 0.5,
          packages,
        };
      });
    return {
      metrics,
      series: {
        ordersPerDay: this.perDay.orders,
        costPerDay: this.perDay.cost,
        packagesPerDay: this.perDay.packages,
        unfilledPerDay: this.perDay.unfilled,
        packagesHistogram: Array.from(this.packageCounts),
        transitHistogram: Array.from(this.transit),
        nodePackages,
        flows,
      },
    };
  }
}

/** Nearest-rank quantile of integer values given as a histogram. */
export function quantileOfHistogram(hist: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen >= rank) return i;
  }
  return hist.length - 1;
}

/**
 * Money of one package from the network alone (handling + carrier price), so that policies
 * with different objective weights compare on the same money.
 */
export function packageMoney(
  net: RoutingNetwork,
  node: number,
  pickup: boolean,
  miles: number,
  weightLb: number,
  lines: readonly { quantity: number }[],
): number {
  const handling = node >= 0 ? net.handling[node]! : 0;
  if (pickup) return handling;
  const rates = net.rates;
  if (rates.model === 'linear') {
    let units = 0;
    for (const l of lines) units += l.quantity;
    return handling + rates.perPackage + units * (rates.perUnit + rates.perUnitMile * miles);
  }
  const bands = rates.bands;
  let b = 0;
  while (b < bands.length - 1 && miles > (bands[b]!.maxMiles ?? Number.POSITIVE_INFINITY)) b++;
  const band = bands[b]!;
  return handling + band.base + band.perLb * (billablePounds(weightLb) - 1);
}
