import type { CompiledPolicy } from './compiled-policy.ts';
import { geoPoints, haversineFrom, radians } from './geo-distance.ts';
import { bandIndexFor, type RoutingNetwork } from './routing-network.ts';
import type { EliminatedNode } from './routing-types.ts';
import type { SearchProblem } from './search-problem.ts';
import type { StockSnapshot } from './stock-snapshot.ts';

export interface CandidateRequest {
  lat: number;
  lon: number;
  /** Node index of a click & collect order, -1 for a shipped order. */
  pickupNode: number;
  latestDays: number;
  channel: string | undefined;
  /** Minute of the UTC day the order was placed, -1 when unknown (no cut-offs apply). */
  utcMinute: number;
  /** Highest priority group tier allowed; ignored when the policy has no groups. */
  maxTier: number;
  /** Only these node indices (ascending) are considered, as if the network had no others. */
  nodes?: ArrayLike<number> | undefined;
}

/** Priority tier of a node for this destination: the first group that takes it, -1 for none. */
export function tierOf(policy: CompiledPolicy, node: number, miles: number): number {
  const groups = policy.groups;
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g]!;
    if (grp.mask[node] && miles <= grp.maxMiles) return g;
  }
  return -1;
}

/**
 * Fills `p` with the order's candidate nodes and their cost coefficients; the problem's lines
 * (sku, quantity, weight) must already be set. Each node left out is reported in `eliminated`
 * (when given) with the first rule that removed it.
 */
export function buildCandidates(
  net: RoutingNetwork,
  stock: StockSnapshot,
  policy: CompiledPolicy,
  req: CandidateRequest,
  p: SearchProblem,
  eliminated: EliminatedNode[] | null,
): void {
  const K = p.lineCount;
  const S = net.skuCount;
  const avail = stock.available;
  const zone = net.rates.model === 'zone';
  const cw = policy.costWeight;
  const dayCost = policy.dayCost;
  const co2ePackage = policy.co2eCostPerKg * policy.co2eKgPerPackage;
  const co2ePerLbMile = policy.co2eCostPerKg * policy.co2eKgPerLbMile;
  const linear = net.rates.model === 'linear' ? net.rates : null;
  let excludedByChannel: Uint8Array | null = null;
  if (req.channel !== undefined) {
    for (const rule of policy.channelExclusions) {
      if (!rule.channels.has(req.channel)) continue;
      if (!excludedByChannel) excludedByChannel = new Uint8Array(net.nodeCount);
      for (let i = 0; i < net.nodeCount; i++) excludedByChannel[i] = excludedByChannel[i]! | rule.mask[i]!;
    }
  }
  const grouped = policy.groups.length > 0;
  const { phi, cosPhi } = geoPoints(net.lat);
  const destPhi = radians(req.lat);
  const destCos = Math.cos(destPhi);
  const isPickup = req.pickupNode >= 0;
  const subset = req.nodes;
  const count = subset ? subset.length : net.nodeCount;
  let c = 0;
  for (let x = 0; x < count; x++) {
    const i = subset ? subset[x]! : x;
    if (isPickup && i !== req.pickupNode) {
      eliminated?.push({ node: net.nodeIds[i]!, reason: 'not-the-pickup-node' });
      continue;
    }
    if (!net.enabled[i]) {
      eliminated?.push({ node: net.nodeIds[i]!, reason: 'disabled' });
      continue;
    }
    if (!isPickup && !net.ships[i]) {
      eliminated?.push({ node: net.nodeIds[i]!, reason: 'does-not-ship' });
      continue;
    }
    if (policy.excluded[i] || excludedByChannel?.[i]) {
      eliminated?.push({ node: net.nodeIds[i]!, reason: 'excluded-by-policy' });
      continue;
    }
    const cap = Math.min(stock.capacity[i]!, policy.capacityLimit[i]!);
    if (cap < 1) {
      eliminated?.push({ node: net.nodeIds[i]!, reason: 'no-capacity' });
      continue;
    }
    const keep = policy.protectedUnits[i]!;
    const row = c * K;
    let units = 0;
    for (let k = 0; k < K; k++) {
      let s = avail[i * S + p.sku[k]!]! - keep;
      if (s < 0) s = 0;
      const q = p.quantity[k]!;
      p.stock[row + k] = s;
      const a = s < q ? s : q;
      p.avail[row + k] = a;
      units += a;
    }
    if (units === 0) {
      eliminated?.push({
        node: net.nodeIds[i]!,
        reason: 'no-stock',
        ...(keep > 0 ? { detail: `${keep} units protected` } : {}),
      });
      continue;
    }
    const miles = haversineFrom(phi[i]!, cosPhi[i]!, net.lon[i]!, destPhi, destCos, req.lon);
    let tier = 0;
    if (grouped) {
      tier = tierOf(policy, i, miles);
      if (tier < 0 || tier > req.maxTier) {
        eliminated?.push({
          node: net.nodeIds[i]!,
          reason: 'outside-priority-groups',
          ...(tier > req.maxTier ? { detail: `in group "${policy.groups[tier]!.name}"` } : {}),
        });
        continue;
      }
    }
    let delay = 0;
    const cutoff = policy.cutoffMinute[i]!;
    if (cutoff >= 0 && req.utcMinute >= 0) {
      const local = (((req.utcMinute + policy.utcOffsetMinutes[i]!) % 1440) + 1440) % 1440;
      if (local >= cutoff) delay = 1;
    }
    const band = bandIndexFor(net, miles);
    const days = isPickup ? net.extraDays[i]! + delay : net.bandDays[band]! + net.extraDays[i]! + delay;
    if (days > req.latestDays) {
      eliminated?.push({
        node: net.nodeIds[i]!,
        reason: 'too-slow',
        detail: `${days} days > ${req.latestDays}`,
      });
      continue;
    }
    p.node[c] = i;
    p.miles[c] = miles;
    p.days[c] = days;
    const handling = net.handling[i]!;
    if (isPickup) {
      p.fixed[c] = cw * handling + dayCost * days;
      p.step[c] = 0;
      p.unit[c] = 0;
      p.lin[c] = 0;
    } else if (zone) {
      p.fixed[c] = cw * (handling + net.bandBase[band]!) + dayCost * days + co2ePackage;
      p.step[c] = cw * net.bandPerLb[band]!;
      p.unit[c] = 0;
      p.lin[c] = co2ePerLbMile * miles;
    } else if (linear) {
      p.fixed[c] = cw * (handling + linear.perPackage) + dayCost * days + co2ePackage;
      p.step[c] = 0;
      p.unit[c] = cw * (linear.perUnit + linear.perUnitMile * miles);
      p.lin[c] = co2ePerLbMile * miles;
    }
    c++;
  }
  p.candidateCount = c;
}
