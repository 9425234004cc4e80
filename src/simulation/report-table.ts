import type { SimulationReport } from './simulator.ts';

const ROWS: readonly [string, (m: SimulationReport['policies'][number]['metrics']) => string][] = [
  ['orders', (m) => m.orders.toLocaleString('en-US')],
  ['cost per order', (m) => m.costPerOrder.toFixed(2)],
  ['objective per order', (m) => m.objectivePerOrder.toFixed(2)],
  ['packages per order', (m) => m.packagesPerOrder.toFixed(3)],
  ['units per package', (m) => m.unitsPerPackage.toFixed(3)],
  ['split rate', (m) => pct(m.splitRate)],
  ['mean transit days', (m) => m.meanTransitDays.toFixed(2)],
  ['p95 transit days', (m) => String(m.p95TransitDays)],
  ['on-time share', (m) => pct(m.onTimeShare)],
  ['unfilled units', (m) => `${m.unfilledUnits.toLocaleString('en-US')} (${pct(m.unfilledShare)})`],
  ['capacity breaches', (m) => m.capacityBreaches.toLocaleString('en-US')],
  ['node-days at capacity', (m) => m.nodeDaysAtCapacity.toLocaleString('en-US')],
  ['CO2e kg per order', (m) => m.co2eKgPerOrder.toFixed(3)],
  ['CO2e tonnes', (m) => (m.co2eKg / 1000).toFixed(1)],
];

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

function signed(v: number, digits: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}

/** The report as plain text: one column per policy, then batch against on-arrival. */
export function formatReportTable(report: SimulationReport): string {
  const s = report.scenario;
  const out: string[] = [];
  out.push(
    `scenario ${s.name}: ${s.orders.toLocaleString('en-US')} orders over ${s.days} days, ${s.nodes} nodes, ${s.skus} skus, capacity ${s.capacityMode}`,
  );
  const header = ['metric', ...report.policies.map((p) => p.name)];
  const body = ROWS.map(([label, f]) => [label, ...report.policies.map((p) => f(p.metrics))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line));
  for (const c of report.comparisons) {
    out.push(
      '',
      `${c.batch} vs ${c.onArrival}: cost per order ${signed(c.costPerOrderChange, 3)} (${signed(c.costChangeShare * 100, 2)}%), split rate ${signed(c.splitRateChange * 100, 2)} points, packages per order ${signed(c.packagesPerOrderChange, 4)}, unfilled units ${signed(c.unfilledUnitsChange, 0)}`,
    );
  }
  return `${out.join('\n')}\n`;
}
