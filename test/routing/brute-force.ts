import type { RoutingProblem } from '../../src/routing/index.ts';

/**
 * Exhaustive optimum of a tiny problem, from the format's words alone: every way to split every
 * line of every order between the nodes and "unfilled", checked and priced. Independent of the
 * engine (own distance, bands and prices) so that agreement means something.
 */

type Order = RoutingProblem['orders'][number];
type Alloc = Map<string, Map<string, number>>; // node -> sku -> units

function miles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.sqrt(a));
}

/** All ways to put q units on the given nodes (each at most its stock) and leave the rest unfilled. */
function splits(q: number, caps: number[]): number[][] {
  if (caps.length === 0) return [[]];
  const out: number[][] = [];
  const [first, ...rest] = caps;
  for (let x = 0; x <= Math.min(q, first!); x++)
    for (const tail of splits(q - x, rest)) out.push([x, ...tail]);
  return out;
}

/** Cost of one order's allocation, or null when it breaks a rule (stock/capacity checked by the caller). */
export function priceOrder(problem: RoutingProblem, order: Order, alloc: Alloc): number | null {
  const pol = problem.policy ?? {};
  const penalty = pol.unfilledPenalty ?? 1000;
  const dayCost = pol.dayCost ?? 0;
  const max = pol.maxShipments ?? Number.POSITIVE_INFINITY;
  let cost = 0;
  let packages = 0;
  const shipped = new Map<string, number>();
  for (const [nodeId, lines] of alloc) {
    let units = 0;
    let w = 0;
    for (const [sku, x] of lines) {
      if (x === 0) continue;
      units += x;
      w += x * problem.items.find((i) => i.sku === sku)!.weight;
      shipped.set(sku, (shipped.get(sku) ?? 0) + x);
    }
    if (units === 0) continue;
    packages++;
    const n = problem.nodes.find((x) => x.id === nodeId)!;
    let days: number;
    if (order.pickupNode !== undefined) {
      days = n.extraDays ?? 0;
      cost += n.handlingCost + dayCost * days;
    } else {
      const d = miles(n.lat, n.lon, order.destination.lat, order.destination.lon);
      const band = problem.rates.bands.find((b) => b.maxMiles === null || b.maxMiles >= d)!;
      days = band.days + (n.extraDays ?? 0);
      let parcel: number;
      if (problem.rates.model === 'zone') {
        const z = band as unknown as { base: number; perLb: number };
        parcel = z.base + z.perLb * (Math.max(1, Math.ceil(Math.round(w * 1e6) / 1e6)) - 1);
      } else
        parcel = problem.rates.perPackage + units * (problem.rates.perUnit + problem.rates.perUnitMile * d);
      cost += n.handlingCost + parcel + dayCost * days;
    }
    if (order.latestDays !== undefined && days > order.latestDays) return null;
  }
  if (packages > max) return null;
  for (const l of order.lines) cost += penalty * (l.quantity - (shipped.get(l.sku) ?? 0));
  return cost;
}

export interface Remaining {
  stock: Map<string, number>; // node\u0000sku -> units
  capacity: Map<string, number>; // node -> packages
}

export function initialRemaining(problem: RoutingProblem): Remaining {
  return {
    stock: new Map(problem.inventory.map((e) => [`${e.node}\u0000${e.sku}`, e.available])),
    capacity: new Map(problem.nodes.map((n) => [n.id, n.capacity ?? Number.POSITIVE_INFINITY])),
  };
}

/** Every feasible allocation of one order against what is left, with its cost. */
export function orderOptions(
  problem: RoutingProblem,
  order: Order,
  left: Remaining,
): { alloc: Alloc; cost: number }[] {
  const eligible = problem.nodes.filter((n) => {
    if (n.enabled === false) return false;
    if (order.pickupNode !== undefined) return n.id === order.pickupNode;
    return (n.fulfils ?? ['ship']).includes('ship');
  });
  const perLine = order.lines.map((l) =>
    splits(
      l.quantity,
      eligible.map((n) => left.stock.get(`${n.id}\u0000${l.sku}`) ?? 0),
    ),
  );
  const out: { alloc: Alloc; cost: number }[] = [];
  const choose = (i: number, picked: number[][]) => {
    if (i === order.lines.length) {
      const alloc: Alloc = new Map();
      eligible.forEach((n, t) => {
        const m = new Map<string, number>();
        order.lines.forEach((l, k) => {
          if (picked[k]![t]! > 0) m.set(l.sku, picked[k]![t]!);
        });
        if (m.size > 0) alloc.set(n.id, m);
      });
      for (const nodeId of alloc.keys()) if ((left.capacity.get(nodeId) ?? 0) < 1) return;
      const cost = priceOrder(problem, order, alloc);
      if (cost !== null) out.push({ alloc, cost });
      return;
    }
    for (const s of perLine[i]!) choose(i + 1, [...picked, s]);
  };
  choose(0, []);
  return out;
}

export function take(left: Remaining, alloc: Alloc, sign = 1): void {
  for (const [node, lines] of alloc) {
    left.capacity.set(node, left.capacity.get(node)! - sign);
    for (const [sku, x] of lines) {
      const key = `${node}\u0000${sku}`;
      left.stock.set(key, (left.stock.get(key) ?? 0) - sign * x);
    }
  }
}

export function allocOf(plan: {
  shipments: { node: string; lines: { sku: string; quantity: number }[] }[];
}): Alloc {
  return new Map(plan.shipments.map((s) => [s.node, new Map(s.lines.map((l) => [l.sku, l.quantity]))]));
}

/** Joint optimum of a batch: every combination of per-order options that fits stock and capacity. */
export function batchOptimum(problem: RoutingProblem): number {
  const left = initialRemaining(problem);
  const options = problem.orders.map((o) => orderOptions(problem, o, left));
  let best = Number.POSITIVE_INFINITY;
  const fits = () =>
    [...left.stock.values()].every((v) => v >= 0) && [...left.capacity.values()].every((v) => v >= 0);
  const go = (i: number, sum: number) => {
    if (sum >= best) return;
    if (i === options.length) {
      best = sum;
      return;
    }
    for (const opt of options[i]!) {
      take(left, opt.alloc);
      if (fits()) go(i + 1, sum + opt.cost);
      take(left, opt.alloc, -1);
    }
  };
  go(0, 0);
  return best;
}
