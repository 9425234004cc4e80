import type { RoutingProblem } from './problem-schema.ts';

/**
 * An independent re-pricer and feasibility checker for plans of a problem file, written from
 * the format description alone and sharing no code with the engine, so that tests (and anyone
 * comparing engines) can trust a cost the engine did not compute.
 */

export interface PricedPlanInput {
  order: string;
  shipments?: { node: string; lines: { sku: string; quantity: number }[] }[];
  unfilled?: { sku: string; quantity: number }[];
}

export interface PlanPrice {
  totalCost: number;
  costs: Map<string, number>;
  /** Every rule of the format the plans break; empty when feasible. */
  violations: string[];
}

function miles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.sqrt(a));
}

export function pricePlan(problem: RoutingProblem, plans: readonly PricedPlanInput[]): PlanPrice {
  const violations: string[] = [];
  const nodes = new Map(problem.nodes.map((n) => [n.id, n]));
  const weight = new Map(problem.items.map((i) => [i.sku, i.weight]));
  const stockLeft = new Map(problem.inventory.map((e) => [`${e.node}\u0000${e.sku}`, e.available]));
  const packages = new Map<string, number>();
  const policy = problem.policy ?? {};
  const penalty = policy.unfilledPenalty ?? 1000;
  const dayCost = policy.dayCost ?? 0;
  const maxShipments = policy.maxShipments ?? Number.POSITIVE_INFINITY;
  const byId = new Map(plans.map((p) => [p.order, p]));
  if (byId.size !== plans.length) violations.push('an order has more than one plan');
  const costs = new Map<string, number>();
  let total = 0;
  for (const order of problem.orders) {
    const plan = byId.get(order.id);
    if (!plan) {
      violations.push(`order ${order.id}: no plan`);
      continue;
    }
    const shipped = new Map<string, number>();
    const shipments = plan.shipments ?? [];
    let cost = 0;
    if (shipments.length > maxShipments)
      violations.push(`order ${order.id}: more than maxShipments packages`);
    const seen = new Set<string>();
    for (const sh of shipments) {
      const n = nodes.get(sh.node);
      if (!n) {
        violations.push(`order ${order.id}: unknown node ${sh.node}`);
        continue;
      }
      if (seen.has(sh.node)) violations.push(`order ${order.id}: two packages from ${sh.node}`);
      seen.add(sh.node);
      if (n.enabled === false) violations.push(`order ${order.id}: ${sh.node} is disabled`);
      const fulfils = n.fulfils ?? ['ship'];
      if (order.pickupNode !== undefined && sh.node !== order.pickupNode) {
        violations.push(`order ${order.id}: pickup order served by ${sh.node}`);
      }
      if (order.pickupNode === undefined && !fulfils.includes('ship'))
        violations.push(`order ${order.id}: ${sh.node} does not ship`);
      if (sh.lines.length === 0) violations.push(`order ${order.id}: empty package from ${sh.node}`);
      packages.set(sh.node, (packages.get(sh.node) ?? 0) + 1);
      let w = 0;
      let units = 0;
      for (const l of sh.lines) {
        if (!Number.isInteger(l.quantity) || l.quantity < 1)
          violations.push(`order ${order.id}: bad quantity`);
        shipped.set(l.sku, (shipped.get(l.sku) ?? 0) + l.quantity);
        const key = `${sh.node}\u0000${l.sku}`;
        stockLeft.set(key, (stockLeft.get(key) ?? 0) - l.quantity);
        w += l.quantity * (weight.get(l.sku) ?? Number.NaN);
        units += l.quantity;
      }
      let days: number;
      let price: number;
      if (order.pickupNode !== undefined) {
        days = n.extraDays ?? 0;
        price = n.handlingCost + dayCost * days;
      } else {
        const d = miles(n.lat, n.lon, order.destination.lat, order.destination.lon);
        const rates = problem.rates;
        const bandAt = rates.bands.findIndex((b) => b.maxMiles === null || b.maxMiles >= d);
        days = rates.bands[bandAt]!.days + (n.extraDays ?? 0);
        let parcel: number;
        if (rates.model === 'zone') {
          const band = rates.bands[bandAt]!;
          parcel = band.base + band.perLb * (Math.max(1, Math.ceil(Math.round(w * 1e6) / 1e6)) - 1);
        } else {
          parcel = rates.perPackage + units * (rates.perUnit + rates.perUnitMile * d);
        }
        price = n.handlingCost + parcel + dayCost * days;
      }
      if (order.latestDays !== undefined && days > order.latestDays) {
        violations.push(`order ${order.id}: package from ${sh.node} takes ${days} days`);
      }
      cost += price;
    }
    const listedUnfilled = new Map((plan.unfilled ?? []).map((u) => [u.sku, u.quantity]));
    for (const line of order.lines) {
      const s = shipped.get(line.sku) ?? 0;
      const short = line.quantity - s;
      if (short < 0) violations.push(`order ${order.id}: ships more ${line.sku} than ordered`);
      if (plan.unfilled && (listedUnfilled.get(line.sku) ?? 0) !== Math.max(0, short)) {
        violations.push(`order ${order.id}: unfilled ${line.sku} does not add up`);
      }
      cost += penalty * Math.max(0, short);
      shipped.delete(line.sku);
    }
    for (const sku of shipped.keys())
      violations.push(`order ${order.id}: ships ${sku}, which it did not order`);
    costs.set(order.id, cost);
    total += cost;
  }
  for (const [key, left] of stockLeft) {
    if (left < 0) violations.push(`stock exceeded at ${key.replace('\u0000', '/')}`);
  }
  for (const [id, count] of packages) {
    const cap = nodes.get(id)?.capacity;
    if (cap !== undefined && cap !== null && count > cap) violations.push(`capacity exceeded at ${id}`);
  }
  return { totalCost: total, costs, violations };
}
