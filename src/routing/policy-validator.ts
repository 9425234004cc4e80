import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type RoutingPolicy, RoutingPolicySchema } from './policy-schema.ts';
import type { RoutingNetwork } from './routing-network.ts';

export interface PolicyError {
  /** JSON pointer into the policy document. */
  pointer: string;
  message: string;
}

export type PolicyValidation = { ok: true; policy: RoutingPolicy } | { ok: false; errors: PolicyError[] };

const compiled = TypeCompiler.Compile(RoutingPolicySchema);

/**
 * Checks a policy document before it can be activated: its shape, then the rules the schema
 * cannot express, then (when a network is given) that every named node exists.
 */
export function validatePolicy(document: unknown, network?: RoutingNetwork): PolicyValidation {
  const errors: PolicyError[] = [];
  const seen = new Set<string>();
  for (const e of compiled.Errors(document)) {
    // TypeBox reports several messages for one place (e.g. missing, then wrong type); keep the first.
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    errors.push({ pointer: e.path, message: e.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  const policy = document as RoutingPolicy;
  if (policy.shipComplete && policy.maxShipments !== undefined && policy.maxShipments !== null) {
    if (policy.maxShipments > 1) {
      errors.push({
        pointer: '/maxShipments',
        message: 'shipComplete allows one shipment; maxShipments must be 1 or absent',
      });
    }
  }
  policy.exclude?.forEach((rule, i) => {
    if (Object.keys(rule.match).length === 0) {
      errors.push({
        pointer: `/exclude/${i}/match`,
        message: 'an exclusion must name at least one criterion',
      });
    }
  });
  const names = new Set<string>();
  policy.priorityGroups?.forEach((g, i) => {
    if (names.has(g.name))
      errors.push({ pointer: `/priorityGroups/${i}/name`, message: `duplicate group name "${g.name}"` });
    names.add(g.name);
  });
  if (network) {
    const check = (base: string, nodes: string[] | undefined) =>
      nodes?.forEach((id, j) => {
        if (!network.nodeIndex.has(id))
          errors.push({ pointer: `${base}/match/nodes/${j}`, message: `unknown node "${id}"` });
      });
    for (const [i, r] of (policy.exclude ?? []).entries()) check(`/exclude/${i}`, r.match.nodes);
    for (const [i, r] of (policy.priorityGroups ?? []).entries())
      check(`/priorityGroups/${i}`, r.match.nodes);
    for (const [i, r] of (policy.protectLastUnits ?? []).entries())
      check(`/protectLastUnits/${i}`, r.match.nodes);
    for (const [i, r] of (policy.capacity ?? []).entries()) check(`/capacity/${i}`, r.match.nodes);
    for (const [i, r] of (policy.cutoffs ?? []).entries()) check(`/cutoffs/${i}`, r.match.nodes);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy };
}
