import { describe, expect, it } from 'vitest';
import {
  compileNetwork,
  createStockSnapshot,
  type NetworkDefinition,
  type RoutingOrder,
  type RoutingPolicy,
  RoutingPolicySchema,
  routeOrder,
  validatePolicy,
} from '../../src/routing/index.ts';

// Destination in Philadelphia; a far DC in Chicago, a near store, a store 90 miles off, a 3PL.
const definition: NetworkDefinition = {
  rates: {
    model: 'zone',
    bands: [
      { maxMiles: 50, base: 7, perLb: 0.4, days: 1 },
      { maxMiles: 300, base: 9, perLb: 0.6, days: 2 },
      { maxMiles: null, base: 14, perLb: 1.1, days: 4 },
    ],
  },
  nodes: [
    {
      id: 'DC-CHI',
      kind: 'warehouse',
      lat: 41.8781,
      lon: -87.6298,
      handlingCost: 1,
      tags: ['dc'],
      utcOffsetMinutes: -360,
    },
    {
      id: 'ST-PHL',
      kind: 'store',
      lat: 39.9626,
      lon: -75.1652,
      handlingCost: 3,
      tags: ['flagship'],
      region: 'east',
    },
    { id: 'ST-NYC', kind: 'store', lat: 40.7128, lon: -74.006, handlingCost: 3, region: 'east' },
    { id: '3PL-ATL', kind: '3pl', lat: 33.749, lon: -84.388, handlingCost: 2 },
  ],
  items: [
    { sku: 'A', weight: 2 },
    { sku: 'B', weight: 0.5 },
  ],
};
const inventory = [
  { node: 'DC-CHI', sku: 'A', available: 100 },
  { node: 'DC-CHI', sku: 'B', available: 100 },
  { node: 'ST-PHL', sku: 'A', available: 3 },
  { node: 'ST-NYC', sku: 'A', available: 5 },
  { node: 'ST-NYC', sku: 'B', available: 5 },
  { node: '3PL-ATL', sku: 'B', available: 9 },
];
const network = compileNetwork(definition);
const order: RoutingOrder = {
  id: 'o1',
  destination: { lat: 39.9526, lon: -75.1652 },
  lines: [{ sku: 'A', quantity: 2 }],
};

function route(policy: RoutingPolicy, o: RoutingOrder = order, inv = inventory) {
  const stock = createStockSnapshot(network, inv);
  return routeOrder({ network, stock, order: o, policy });
}
const nodesOf = (d: ReturnType<typeof route>) => d.plan.shipments.map((s) => s.node);
const base: RoutingPolicy = { id: 'p', version: 1 };

describe('policy validation', () => {
  it('accepts a full policy and exports its TypeBox schema', () => {
    const doc: RoutingPolicy = {
      id: 'ship-from-store',
      version: 3,
      unfilledPenalty: 500,
      dayCost: 0.5,
      maxShipments: 2,
      costWeight: 1,
      exclude: [
        { match: { statuses: ['paused'] } },
        { match: { kinds: ['store'] }, channels: ['marketplace:acme'] },
      ],
      priorityGroups: [
        { name: 'dcs', match: { kinds: ['warehouse'] } },
        { name: 'near stores', match: { kinds: ['store'] }, maxMiles: 300 },
        { name: 'anywhere', match: {} },
      ],
      protectLastUnits: [{ match: { kinds: ['store'] }, units: 2 }],
      capacity: [{ match: { nodes: ['ST-PHL'] }, maxPackages: 40 }],
      cutoffs: [{ match: { kinds: ['warehouse'] }, localTime: '14:00' }],
      co2e: { costPerKg: 0.1, kgPerPackage: 0.3, kgPerLbMile: 0.0002 },
    };
    expect(validatePolicy(doc, network)).toEqual({ ok: true, policy: doc });
    expect(RoutingPolicySchema.type).toBe('object');
  });

  it.each([
    [{ version: 1 }, '/id'],
    [{ ...base, maxShipments: 0 }, '/maxShipments'],
    [{ ...base, exlude: [] }, '/exlude'],
    [{ ...base, shipComplete: true, maxShipments: 3 }, '/maxShipments'],
    [{ ...base, exclude: [{ match: {} }] }, '/exclude/0/match'],
    [{ ...base, exclude: [{ match: { nodes: ['NOPE'] } }] }, '/exclude/0/match/nodes/0'],
    [{ ...base, cutoffs: [{ match: {}, localTime: '25:00' }] }, '/cutoffs/0/localTime'],
    [
      {
        ...base,
        priorityGroups: [
          { name: 'a', match: {} },
          { name: 'a', match: {} },
        ],
      },
      '/priorityGroups/1/name',
    ],
    [
      { ...base, protectLastUnits: [{ match: { kinds: ['shop'] }, units: 1 }] },
      '/protectLastUnits/0/match/kinds/0',
    ],
  ])('rejects %j at %s', (doc, pointer) => {
    const r = validatePolicy(doc, network);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.pointer)).toContain(pointer);
  });
});

describe('policies applied to routing', () => {
  it('without rules the near store ships', () => {
    expect(nodesOf(route(base))).toEqual(['ST-PHL']);
  });

  it('excludes nodes by kind, tag, region and node id, with the reason in the explanation', () => {
    for (const match of [
      { kinds: ['store' as const] },
      { regions: ['east'] },
      { nodes: ['ST-PHL', 'ST-NYC'] },
    ]) {
      const d = route({ ...base, exclude: [{ match }] });
      expect(nodesOf(d)).toEqual(['DC-CHI']);
      expect(d.explanation?.eliminated).toContainEqual({ node: 'ST-PHL', reason: 'excluded-by-policy' });
    }
    expect(nodesOf(route({ ...base, exclude: [{ match: { tags: ['flagship'] } }] }))).toEqual(['ST-NYC']);
  });

  it('excludes nodes for one channel only', () => {
    const policy: RoutingPolicy = {
      ...base,
      exclude: [{ match: { kinds: ['store'] }, channels: ['marketplace:acme'] }],
    };
    expect(nodesOf(route(policy, { ...order, channel: 'marketplace:acme' }))).toEqual(['DC-CHI']);
    expect(nodesOf(route(policy, { ...order, channel: 'web' }))).toEqual(['ST-PHL']);
  });

  it('priority groups fall back tier by tier', () => {
    const policy: RoutingPolicy = {
      ...base,
      priorityGroups: [
        { name: 'dcs', match: { kinds: ['warehouse'] } },
        { name: 'near stores', match: { kinds: ['store'] }, maxMiles: 300 },
        { name: 'anywhere', match: {} },
      ],
    };
    const first = route(policy);
    expect(nodesOf(first)).toEqual(['DC-CHI']);
    expect(first.explanation?.tier).toEqual({ index: 0, name: 'dcs' });
    const noDc = inventory.filter((e) => e.node !== 'DC-CHI');
    const second = route(policy, order, noDc);
    expect(nodesOf(second)).toEqual(['ST-PHL']);
    expect(second.explanation?.tier?.name).toBe('near stores');
    const third = route(
      policy,
      { ...order, lines: [{ sku: 'B', quantity: 9 }] },
      noDc.filter((e) => e.node !== 'ST-NYC'),
    );
    expect(nodesOf(third)).toEqual(['3PL-ATL']);
    expect(third.explanation?.tier?.name).toBe('anywhere');
  });

  it("protects a store's last units", () => {
    const d = route({ ...base, protectLastUnits: [{ match: { nodes: ['ST-PHL'] }, units: 3 }] });
    expect(nodesOf(d)).toEqual(['ST-NYC']);
    expect(d.explanation?.eliminated).toContainEqual({
      node: 'ST-PHL',
      reason: 'no-stock',
      detail: '3 units protected',
    });
    // With one unit left above the protected two, the store can still send one.
    const partial = route(
      { ...base, protectLastUnits: [{ match: { nodes: ['ST-PHL'] }, units: 2 }] },
      order,
      inventory.filter((e) => e.node === 'ST-PHL'),
    );
    expect(partial.plan.shipments[0]!.lines).toEqual([{ sku: 'A', quantity: 1 }]);
  });

  it('ship-complete allows one shipment; a split maximum caps packages', () => {
    const big: RoutingOrder = { ...order, lines: [{ sku: 'A', quantity: 8 }] };
    const split = route(base, big);
    expect(split.plan.shipments.length).toBeGreaterThan(1);
    expect(route({ ...base, shipComplete: true }, big).plan.shipments).toHaveLength(1);
    expect(route({ ...base, maxShipments: 2 }, big).plan.shipments.length).toBeLessThanOrEqual(2);
  });

  it('a speed weight (dayCost) is charged per package-day and a cost weight scales money', () => {
    const d = route({ ...base, dayCost: 5 });
    expect(d.cost.time).toBeCloseTo(5 * d.plan.shipments.reduce((s, x) => s + x.days, 0), 9);
    const half = route({ ...base, costWeight: 0.5 });
    expect(half.cost.handling + half.cost.parcel).toBeCloseTo(route(base).cost.total / 2, 9);
  });

  it('node capacity from the policy and cut-off times', () => {
    const capped = route({ ...base, capacity: [{ match: { nodes: ['ST-PHL'] }, maxPackages: 0 }] });
    expect(capped.explanation?.eliminated).toContainEqual({ node: 'ST-PHL', reason: 'no-capacity' });
    const policy: RoutingPolicy = {
      ...base,
      exclude: [{ match: { kinds: ['store'] } }],
      cutoffs: [{ match: { tags: ['dc'] }, localTime: '14:00' }],
    };
    // 19:00 UTC is 13:00 in Chicago (UTC-6): before the cut-off; 21:00 UTC is after it.
    const before = route(policy, { ...order, placedAt: '2025-03-04T19:00:00Z' });
    const after = route(policy, { ...order, placedAt: '2025-03-04T21:00:00Z' });
    expect(after.plan.shipments[0]!.days).toBe(before.plan.shipments[0]!.days + 1);
  });

  it('adds the CO2e estimate as a cost term', () => {
    const co2e = { costPerKg: 2, kgPerPackage: 0.5, kgPerLbMile: 0.001 };
    const d = route({ ...base, co2e });
    const s = d.plan.shipments[0]!;
    expect(s.co2eKg).toBeCloseTo(0.5 + 0.001 * s.weightLb * s.miles, 9);
    expect(d.cost.co2e).toBeCloseTo(2 * s.co2eKg, 9);
    expect(d.cost.total).toBeCloseTo(
      d.cost.handling + d.cost.parcel + d.cost.time + d.cost.co2e + d.cost.penalty,
      9,
    );
  });
});
