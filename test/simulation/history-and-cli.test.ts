import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulate } from '../../src/cli/commands/simulate.ts';
import {
  demoNetworkState,
  historyScenario,
  parseHistoryCsv,
  runSimulation,
} from '../../src/simulation/index.ts';

const CSV = `order_id,placed_at,lat,lon,postal_code,sku,quantity,promise_days
A1,2025-03-01T10:00:00Z,40.71,-74.0,,SKU1,1,2
A1,2025-03-01T10:00:00Z,40.71,-74.0,,SKU2,2,2
B7,2025-03-02T09:30:00Z,,,94105,SKU1,1,
`;

describe('order history', () => {
  it('parses CSV rows into orders (lat/lon or a US ZIP)', () => {
    const r = parseHistoryCsv(CSV);
    if (!r.ok) throw new Error(r.error);
    expect(r.orders).toHaveLength(2);
    expect(r.orders[0]).toMatchObject({
      id: 'A1',
      promiseDays: 2,
      lines: [
        { sku: 'SKU1', quantity: 1 },
        { sku: 'SKU2', quantity: 2 },
      ],
    });
    expect(r.orders[1]!.destination.lat).toBeCloseTo(37.79, 1);
  });

  it('names the line of a bad row', () => {
    const r = parseHistoryCsv('order_id,placed_at,lat,lon,sku,quantity\nX,yesterday,1,2,S,1\n');
    expect(r).toEqual({ ok: false, error: 'line 2: placed_at is not an ISO-8601 time' });
  });

  it('replays demo-network orders day by day', async () => {
    const state = demoNetworkState(42);
    const skus = state.network.items.slice(0, 30).map((i) => i.sku);
    const rows = ['order_id,placed_at,lat,lon,sku,quantity'];
    for (let i = 0; i < 300; i++) {
      const t = new Date(Date.UTC(2025, 5, 1) + i * 17 * 60_000).toISOString();
      rows.push(`o${i},${t},${30 + (i % 15)},${-120 + (i % 45)},${skus[i % skus.length]},1`);
    }
    const parsed = parseHistoryCsv(rows.join('\n'));
    if (!parsed.ok) throw new Error(parsed.error);
    const sc = historyScenario('csv', parsed.orders, state);
    expect(sc.days).toBe(4);
    const { report } = await runSimulation(sc, [{ name: 'default', policy: { id: 'default', version: 1 } }]);
    expect(report.policies[0]!.metrics.orders).toBe(300);
    expect(report.policies[0]!.series.ordersPerDay.reduce((a, b) => a + b, 0)).toBe(300);
  });
});

describe('ordergrid simulate', () => {
  it('prints the table, writes JSON and HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'og-sim-'));
    let out = '';
    let err = '';
    const code = await runSimulate(
      {
        orders: '1500',
        days: '3',
        nodes: '30',
        skus: '80',
        policy: ['default', 'nearest'],
        batchWindow: '30',
        json: join(dir, 'r.json'),
        html: join(dir, 'r.html'),
        progress: false,
      },
      { stdout: (t) => (out += t), stderr: (t) => (err += t) },
    );
    expect(err).toContain('simulated 1,500 orders');
    expect(code).toBe(0);
    expect(out).toContain('default+batch30m vs default');
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.policies.map((p: { name: string }) => p.name)).toEqual([
      'default',
      'nearest',
      'default+batch30m',
    ]);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<svg');
  });

  it('rejects a bad policy file with its JSON pointer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'og-sim-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ id: 'x', version: 1, maxShipments: 0 }));
    let err = '';
    const code = await runSimulate(
      { orders: '100', nodes: '10', skus: '20', policy: [file], progress: false },
      { stdout: () => undefined, stderr: (t) => (err += t) },
    );
    expect(code).toBe(2);
    expect(err).toMatch(/invalid policy .*\/maxShipments/);
  });
});
