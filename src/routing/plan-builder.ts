import { billablePounds } from './billable-pounds.ts';
import type { CompiledPolicy } from './compiled-policy.ts';
import { bandIndexFor, type RoutingNetwork } from './routing-network.ts';
import type { CostBreakdown, OrderPlan, PlannedShipment, ShipmentLine } from './routing-types.ts';
import type { SearchProblem } from './search-problem.ts';

export function emptyBreakdown(): CostBreakdown {
  return { handling: 0, parcel: 0, time: 0, penalty: 0, co2e: 0, total: 0 };
}

/**
 * Turns a search result (candidate set, units per member and line) into an order plan, pricing
 * each package from the network's own figures rather than the search coefficients, so the cost
 * reported is the cost of the plan as written.
 */
export function buildPlan(
  net: RoutingNetwork,
  policy: CompiledPolicy,
  p: SearchProblem,
  orderId: string,
  pickup: boolean,
  set: ArrayLike<number>,
  size: number,
  qty: ArrayLike<number>,
): { plan: OrderPlan; cost: CostBreakdown } {
  const K = p.lineCount;
  const total = emptyBreakdown();
  const shipments: PlannedShipment[] = [];
  const cw = policy.costWeight;
  const rates = net.rates;
  for (let t = 0; t < size; t++) {
    const c = set[t]!;
    const i = p.node[c]!;
    const lines: ShipmentLine[] = [];
    let weight = 0;
    let units = 0;
    for (let k = 0; k < K; k++) {
      const x = qty[t * K + k]!;
      if (x <= 0) continue;
      lines.push({ sku: net.skuIds[p.sku[k]!]!, quantity: x });
      weight += x * p.weight[k]!;
      units += x;
    }
    if (lines.length === 0) continue;
    const miles = p.miles[c]!;
    const days = p.days[c]!;
    let parcel = 0;
    let co2eKg = 0;
    if (!pickup) {
      if (rates.model === 'zone') {
        const band = rates.bands[bandIndexFor(net, miles)]!;
        parcel = band.base + band.perLb * (billablePounds(weight) - 1);
      } else {
        parcel = rates.perPackage + units * (rates.perUnit + rates.perUnitMile * miles);
      }
      co2eKg = policy.co2eKgPerPackage + policy.co2eKgPerLbMile * weight * miles;
    }
    const cost: CostBreakdown = {
      handling: cw * net.handling[i]!,
      parcel: cw * parcel,
      time: policy.dayCost * days,
      penalty: 0,
      co2e: policy.co2eCostPerKg * co2eKg,
      total: 0,
    };
    cost.total = cost.handling + cost.parcel + cost.time + cost.co2e;
    total.handling += cost.handling;
    total.parcel += cost.parcel;
    total.time += cost.time;
    total.co2e += cost.co2e;
    shipments.push({ node: net.nodeIds[i]!, lines, pickup, miles, days, weightLb: weight, co2eKg, cost });
  }
  const unfilled: ShipmentLine[] = [];
  let short = 0;
  for (let k = 0; k < K; k++) {
    let left = p.quantity[k]!;
    for (let t = 0; t < size; t++) left -= qty[t * K + k]!;
    if (left > 0) {
      unfilled.push({ sku: net.skuIds[p.sku[k]!]!, quantity: left });
      short += left;
    }
  }
  total.penalty = short * policy.unfilledPenalty;
  total.total = total.handling + total.parcel + total.time + total.co2e + total.penalty;
  return { plan: { order: orderId, shipments, unfilled }, cost: total };
}
