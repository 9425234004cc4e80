import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_SAFETY_STOCK,
  type DemoNetwork,
  generateDemoNetwork,
  type NodeCapability,
} from '../../src/network/demo-network.ts';
import { mulberry32 } from '../../src/network/seeded-random.ts';

const CAPABILITIES: readonly NodeCapability[] = ['ship', 'pickup', 'ship-to-store', 'returns'];

describe('generateDemoNetwork', () => {
  let network: DemoNetwork;
  beforeAll(() => {
    network = generateDemoNetwork();
  }, 30_000);

  const ofKind = (kind: string) => network.nodes.filter((n) => n.kind === kind);

  it('is deterministic for a seed and varies across seeds', () => {
    expect(generateDemoNetwork(42)).toEqual(network);
    const other = generateDemoNetwork(7);
    expect(other.stock).not.toEqual(network.stock);
    // The catalogue and the node ids do not depend on the seed.
    expect(other.items).toEqual(network.items);
    expect(other.nodes.map((n) => n.id)).toEqual(network.nodes.map((n) => n.id));
  });

  it('has the expected mix of nodes and items', () => {
    expect(ofKind('store').length).toBeGreaterThanOrEqual(30);
    expect(ofKind('warehouse').length).toBeGreaterThanOrEqual(3);
    expect(ofKind('warehouse').length).toBeLessThanOrEqual(5);
    expect(ofKind('3pl')).toHaveLength(1);
    expect(ofKind('dropship')).toHaveLength(1);
    expect(network.items.length).toBeGreaterThanOrEqual(200);
  });

  it('uses unique, stable ids and skus', () => {
    const ids = network.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('DC-ATL');
    expect(ids).toContain('ST-NYC-01');
    for (const id of ids) expect(id).toMatch(/^(DC|ST|3PL|DS)-[A-Z]{3}(-\d{2})?$/);
    const skus = network.items.map((i) => i.sku);
    expect(new Set(skus).size).toBe(skus.length);
    expect(skus).toContain('APP-TSHIRT-BLK-M');
    const stockKeys = network.stock.map((s) => `${s.nodeId}|${s.sku}`);
    expect(new Set(stockKeys).size).toBe(stockKeys.length);
  });

  it('only stocks known skus at known nodes, in non-negative whole units', () => {
    const nodeIds = new Set(network.nodes.map((n) => n.id));
    const skus = new Set(network.items.map((i) => i.sku));
    for (const row of network.stock) {
      expect(nodeIds.has(row.nodeId)).toBe(true);
      expect(skus.has(row.sku)).toBe(true);
      expect(Number.isInteger(row.onHand) && row.onHand >= 0).toBe(true);
    }
  });

  it('places every node in the contiguous US with a US time zone and address', () => {
    for (const node of network.nodes) {
      expect(node.lat).toBeGreaterThan(24);
      expect(node.lat).toBeLessThan(50);
      expect(node.lon).toBeGreaterThan(-125);
      expect(node.lon).toBeLessThan(-66);
      expect(node.timezone).toMatch(/^America\//);
      expect(node.address.country).toBe('US');
      expect(node.address.region).toMatch(/^[A-Z]{2}$/);
      expect(node.address.postalCode).toMatch(/^\d{5}$/);
      expect(node.cutoffTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(node.status).toBe('online');
    }
    const byId = new Map(network.nodes.map((n) => [n.id, n]));
    expect(byId.get('DC-ONT')?.timezone).toBe('America/Los_Angeles');
    expect(byId.get('DC-DFW')?.timezone).toBe('America/Chicago');
  });

  it('gives each kind its capabilities, costs and capacities', () => {
    for (const node of network.nodes) {
      expect(new Set(node.capabilities).size).toBe(node.capabilities.length);
      for (const capability of node.capabilities) expect(CAPABILITIES).toContain(capability);
    }
    for (const dc of ofKind('warehouse')) {
      expect(dc.capabilities).toEqual(['ship', 'returns']);
      expect(dc.handlingCost).toBeGreaterThanOrEqual(1);
      expect(dc.handlingCost).toBeLessThanOrEqual(1.5);
      expect(dc.dailyCapacity).toBeGreaterThanOrEqual(1000);
      expect(dc.priorityGroup).toBe('dc');
    }
    for (const store of ofKind('store')) {
      expect([...store.capabilities].sort()).toEqual([...CAPABILITIES].sort());
      expect(store.handlingCost).toBeGreaterThanOrEqual(3);
      expect(store.handlingCost).toBeLessThanOrEqual(4.5);
      expect(store.dailyCapacity).toBeGreaterThanOrEqual(40);
      expect(store.dailyCapacity).toBeLessThanOrEqual(150);
      expect(store.priorityGroup).toBe('store');
    }
    expect(ofKind('dropship')[0]?.capabilities).toEqual(['ship']);
    expect(ofKind('3pl')[0]?.priorityGroup).toBe('partner');
  });

  it('has plausible items', () => {
    for (const item of network.items) {
      expect(item.weightLb).toBeGreaterThan(0);
      if (item.category === 'apparel') expect(item.weightLb).toBeLessThanOrEqual(1.5);
      if (item.category === 'shoes') expect(item.weightLb).toBeGreaterThanOrEqual(2);
      if (item.oversize) expect(item.sizeClass).toBe('oversize');
    }
    expect(network.items.filter((i) => i.hazmat).length).toBeGreaterThanOrEqual(3);
    expect(network.items.filter((i) => i.oversize).length).toBeGreaterThanOrEqual(3);
  });

  it('stocks like a retailer: deep DCs, shallow stores, a furniture-only dropship vendor', () => {
    const rows = (nodeId: string) => network.stock.filter((s) => s.nodeId === nodeId);
    const category = new Map(network.items.map((i) => [i.sku, i.category]));
    for (const dc of ofKind('warehouse')) {
      const dcRows = rows(dc.id);
      expect(dcRows.length).toBeGreaterThan(network.items.length * 0.7);
      expect(Math.max(...dcRows.map((r) => r.onHand))).toBeGreaterThanOrEqual(100);
    }
    for (const store of ofKind('store')) {
      const storeRows = rows(store.id);
      expect(storeRows.length).toBeGreaterThan(0);
      expect(storeRows.length).toBeLessThan(network.items.length / 2);
      for (const row of storeRows) expect(row.onHand).toBeLessThanOrEqual(12);
    }
    const dropship = ofKind('dropship')[0];
    expect(dropship).toBeDefined();
    const dropshipRows = rows(dropship?.id ?? '');
    expect(dropshipRows.length).toBeGreaterThan(0);
    for (const row of dropshipRows) expect(category.get(row.sku)).toBe('furniture');
    expect(network.safetyStockDefaults).toEqual(DEMO_SAFETY_STOCK);
    expect(network.safetyStockDefaults.store).toBeGreaterThan(network.safetyStockDefaults.warehouse);
  });
});

describe('mulberry32', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
