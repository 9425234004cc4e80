import type { CompiledPolicy } from './compiled-policy.ts';
import type { RoutingNetwork } from './routing-network.ts';
import type { OrderIssue, RoutingOrder } from './routing-types.ts';
import type { SearchProblem } from './search-problem.ts';

/** Checks the order against the network; fills the problem's lines when it is valid. */
export function readOrder(
  net: RoutingNetwork,
  order: RoutingOrder,
  p: SearchProblem,
  issues: OrderIssue[],
): number {
  const K = order.lines.length;
  p.reset(K, net.nodeCount);
  if (K === 0) issues.push({ pointer: '/lines', message: 'an order needs at least one line' });
  let total = 0;
  for (let k = 0; k < K; k++) {
    const line = order.lines[k]!;
    const s = net.skuIndex.get(line.sku);
    if (s === undefined) {
      issues.push({ pointer: `/lines/${k}/sku`, message: `unknown sku "${line.sku}"` });
      continue;
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      issues.push({ pointer: `/lines/${k}/quantity`, message: 'quantity must be an integer >= 1' });
      continue;
    }
    for (let j = 0; j < k; j++) {
      if (order.lines[j]!.sku === line.sku) {
        issues.push({ pointer: `/lines/${k}/sku`, message: `sku "${line.sku}" appears twice in the order` });
      }
    }
    p.sku[k] = s;
    p.quantity[k] = line.quantity;
    const w = net.weight[s]!;
    p.weight[k] = w;
    p.ceilWeight[k] = Math.ceil(w);
    total += line.quantity;
  }
  p.totalUnits = total;
  let pickup = -1;
  if (order.pickupNode !== undefined) {
    const n = net.nodeIndex.get(order.pickupNode);
    if (n === undefined)
      issues.push({ pointer: '/pickupNode', message: `unknown node "${order.pickupNode}"` });
    else if (!net.pickup[n])
      issues.push({ pointer: '/pickupNode', message: `node "${order.pickupNode}" does not offer pickup` });
    else pickup = n;
  }
  return pickup;
}

export function utcMinuteOf(policy: CompiledPolicy, placedAt: string | undefined): number {
  if (placedAt === undefined || !policy.cutoffMinute.some((m) => m >= 0)) return -1;
  const t = Date.parse(placedAt);
  if (Number.isNaN(t)) return -1;
  return Math.floor(t / 60_000) % 1440;
}
