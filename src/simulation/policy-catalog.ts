import {
  type RoutingNetwork,
  type RoutingPolicy,
  type RoutingStrategy,
  validatePolicy,
} from '../routing/index.ts';
import type { BatchSettings, PolicySpec } from './sim-types.ts';

interface NamedPolicy {
  description: string;
  policy: RoutingPolicy;
  strategy?: RoutingStrategy;
}

/** Ready-made policies for what-if questions; a JSON policy file can be given instead. */
export const NAMED_POLICIES: Readonly<Record<string, NamedPolicy>> = {
  default: {
    description: 'cheapest plan from any node (ship-from-store on)',
    policy: { id: 'default', version: 1 },
  },
  'dc-only': {
    description: 'cheapest plan from distribution centres only (ship-from-store off)',
    policy: { id: 'dc-only', version: 1, exclude: [{ match: { kinds: ['store'] } }] },
  },
  'max-2-packages': {
    description: 'cheapest plan with at most 2 packages per order',
    policy: { id: 'max-2-packages', version: 1, maxShipments: 2 },
  },
  'ship-complete': {
    description: 'cheapest plan in a single package',
    policy: { id: 'ship-complete', version: 1, shipComplete: true },
  },
  fast: {
    description: 'cheapest plan with 2 per package-day of transit (speed weighted)',
    policy: { id: 'fast', version: 1, dayCost: 2 },
  },
  'stores-first': {
    description: 'stores within 150 miles first, then every node',
    policy: {
      id: 'stores-first',
      version: 1,
      priorityGroups: [
        { name: 'near stores', match: { kinds: ['store'] }, maxMiles: 150 },
        { name: 'anywhere', match: {} },
      ],
    },
  },
  nearest: {
    description: 'baseline: each line from the nearest nodes holding it',
    policy: { id: 'nearest', version: 1 },
    strategy: 'nearest',
  },
  'priority-order': {
    description: 'baseline: each line from the first node in network order that holds all of it',
    policy: { id: 'priority-order', version: 1 },
    strategy: 'priority-order',
  },
  'most-stock': {
    description: 'baseline: each line from the nodes holding the most',
    policy: { id: 'most-stock', version: 1 },
    strategy: 'most-stock',
  },
};

export type PolicySource =
  | { kind: 'named'; name: string }
  | { kind: 'document'; file: string; document: unknown };

/**
 * Turns `--policy` values into specs: a catalogue name, or a parsed policy document validated
 * against the network (errors name the file and the JSON pointer). With a batch window, every
 * optimal policy also runs held for the window and decided together.
 */
export function resolvePolicies(
  sources: readonly PolicySource[],
  network: RoutingNetwork,
  batch?: BatchSettings,
): { ok: true; specs: PolicySpec[] } | { ok: false; error: string } {
  const specs: PolicySpec[] = [];
  for (const src of sources) {
    if (src.kind === 'named') {
      const named = NAMED_POLICIES[src.name];
      if (!named)
        return {
          ok: false,
          error: `unknown policy "${src.name}" (a JSON file or one of: ${Object.keys(NAMED_POLICIES).join(', ')})`,
        };
      specs.push({
        name: src.name,
        description: named.description,
        policy: named.policy,
        ...(named.strategy ? { strategy: named.strategy } : {}),
      });
      continue;
    }
    const v = validatePolicy(src.document, network);
    if (!v.ok) {
      const first = v.errors[0];
      return {
        ok: false,
        error: `invalid policy ${src.file}: ${first ? `${first.pointer} ${first.message}` : 'invalid'}`,
      };
    }
    specs.push({
      name: `${v.policy.id}@${v.policy.version}`,
      description: v.policy.description ?? `policy file ${src.file}`,
      policy: v.policy,
    });
  }
  const unique = new Set<string>();
  for (const s of specs) {
    if (unique.has(s.name)) return { ok: false, error: `policy "${s.name}" is given twice` };
    unique.add(s.name);
  }
  if (batch) {
    for (const s of [...specs]) {
      if ((s.strategy ?? 'optimal') !== 'optimal') continue;
      specs.push({
        name: `${s.name}+batch${batch.windowMinutes}m`,
        description: `${s.name}, orders held ${batch.windowMinutes} min and optimised together`,
        policy: s.policy,
        batch,
      });
    }
  }
  return { ok: true, specs };
}
