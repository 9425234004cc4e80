import {
  DEFAULT_POLICY,
  type PlannedShipment,
  type RouteOrderInput,
  type RoutingDecision,
  type RoutingNetwork,
  type RoutingPolicy,
  routeOrder,
} from '../routing/index.ts';
import type { TrialMetrics } from './policy-schema.ts';

/** One order as it was routed: the engine's input without a policy. */
export type TrialCase = Omit<RouteOrderInput, 'policy' | 'options'>;

export interface PolicyComparison {
  active: TrialMetrics;
  draft: TrialMetrics;
  difference: Omit<TrialMetrics, 'orders'> & { ordersChanged: number };
}

class Totals {
  orders = 0;
  cost = 0;
  packages = 0;
  split = 0;
  days = 0;
  unfilled = 0;
  complete = 0;

  add(net: RoutingNetwork, d: RoutingDecision): void {
    this.orders++;
    this.packages += d.plan.shipments.length;
    if (d.plan.shipments.length > 1) this.split++;
    for (const s of d.plan.shipments) {
      this.days += s.days;
      this.cost += shipmentMoney(net, s);
    }
    for (const u of d.plan.unfilled) this.unfilled += u.quantity;
    if (d.outcome === 'complete') this.complete++;
  }

  metrics(): TrialMetrics {
    const n = this.orders;
    const per = (v: number, of: number) => (of > 0 ? round(v / of) : 0);
    return {
      orders: n,
      costPerOrder: per(this.cost, n),
      packagesPerOrder: per(this.packages, n),
      splitRate: per(this.split, n),
      meanTransitDays: per(this.days, this.packages),
      unfilledUnits: this.unfilled,
      completeRate: per(this.complete, n),
    };
  }
}

/**
 * What a package costs in money (handling + carrier), priced from the network alone: the engine's
 * objective also holds policy weights (costWeight, dayCost, co2e), which differ between the two
 * policies compared and would make their costs incomparable. Unfilled units are counted apart.
 */
export function shipmentMoney(net: RoutingNetwork, s: PlannedShipment): number {
  const node = net.nodeIndex.get(s.node);
  const handling = node === undefined ? 0 : net.handling[node]!;
  if (s.pickup) return handling;
  const rates = net.rates;
  if (rates.model === 'linear') {
    let units = 0;
    for (const l of s.lines) units += l.quantity;
    return handling + rates.perPackage + units * (rates.perUnit + rates.perUnitMile * s.miles);
  }
  const band = rates.bands.find((b) => b.maxMiles === null || s.miles <= b.maxMiles) ?? rates.bands.at(-1);
  if (!band) return handling;
  // Billable pounds as the engine counts them: whole pounds, at least 1, float noise absorbed.
  const pounds = Math.max(1, Math.ceil(Math.round(s.weightLb * 1e6) / 1e6));
  return handling + band.base + band.perLb * (pounds - 1);
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

function planKey(d: RoutingDecision): string {
  return d.plan.shipments
    .map((s) => `${s.node}:${s.lines.map((l) => `${l.sku}*${l.quantity}`).join(',')}`)
    .sort()
    .join('|');
}

/**
 * Routes every case with both policies through the same engine (each against its own stock as it
 * was, so the two runs see identical conditions) and sums what a checkout and a warehouse feel:
 * cost, packages, splits, transit days, units left unplaced.
 */
export function comparePolicies(
  cases: readonly TrialCase[],
  draft: RoutingPolicy,
  active: RoutingPolicy | null,
  options: { timeBudgetMs?: number } = {},
): PolicyComparison {
  const a = new Totals();
  const b = new Totals();
  let changed = 0;
  const routeOptions = { explain: false, timeBudgetMs: options.timeBudgetMs ?? 50 };
  for (const c of cases) {
    const before = routeOrder({ ...c, policy: active ?? DEFAULT_POLICY, options: routeOptions });
    const after = routeOrder({ ...c, policy: draft, options: routeOptions });
    a.add(c.network, before);
    b.add(c.network, after);
    if (planKey(before) !== planKey(after)) changed++;
  }
  const am = a.metrics();
  const bm = b.metrics();
  return {
    active: am,
    draft: bm,
    difference: {
      costPerOrder: round(bm.costPerOrder - am.costPerOrder),
      packagesPerOrder: round(bm.packagesPerOrder - am.packagesPerOrder),
      splitRate: round(bm.splitRate - am.splitRate),
      meanTransitDays: round(bm.meanTransitDays - am.meanTransitDays),
      unfilledUnits: bm.unfilledUnits - am.unfilledUnits,
      completeRate: round(bm.completeRate - am.completeRate),
      ordersChanged: changed,
    },
  };
}
