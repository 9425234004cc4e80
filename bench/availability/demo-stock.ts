import { DEMO_SAFETY_STOCK, generateDemoNetwork, type NodeKind } from '../../src/network/demo-network.ts';

export interface StockRow {
  nodeId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safety: number;
}

/** The demo network's stock (seed 42, the one `serve` seeds), with some units reserved. */
export function demoStock(): { rows: StockRow[]; nodes: ReturnType<typeof generateDemoNetwork>['nodes'] } {
  const demo = generateDemoNetwork(42);
  const kinds = new Map(demo.nodes.map((n) => [n.id, n.kind as NodeKind]));
  const rows = demo.stock.map((s, i) => ({
    nodeId: s.nodeId,
    sku: s.sku,
    onHand: s.onHand,
    reserved: Math.min(s.onHand, i % 4),
    safety: DEMO_SAFETY_STOCK[kinds.get(s.nodeId) ?? 'warehouse'],
  }));
  return { rows, nodes: demo.nodes };
}
