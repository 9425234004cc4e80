import { flowMap, mapBase } from './report-map.ts';
import { formatReportTable } from './report-table.ts';
import type { SimulationReport } from './simulator.ts';
import { barChart, escapeHtml, lineChart } from './svg-charts.ts';

/**
 * A self-contained HTML page of the report: the metrics table, cost per order by day, the
 * packages-per-order and transit-days distributions, and a map per policy of nodes, flows and
 * destination density over US state outlines (all inline SVG, the outlines drawn once and
 * referenced by every map; a few lines of inline script switch the map between policies).
 */
export function renderReportHtml(report: SimulationReport): string {
  const p = report.policies;
  const costPerDay = lineChart(
    p.map((x) => ({
      name: x.name,
      values: x.series.costPerDay.map((c, d) =>
        x.series.ordersPerDay[d]! > 0 ? c / x.series.ordersPerDay[d]! : 0,
      ),
    })),
    'day',
    'cost per order',
  );
  const ordersPerDay = lineChart(
    [{ name: 'orders', values: p[0]?.series.ordersPerDay ?? [] }],
    'day',
    'orders',
  );
  const share = (h: number[]) => {
    const total = h.reduce((s, v) => s + v, 0);
    return h.map((v) => (total > 0 ? v / total : 0));
  };
  const packages = barChart(
    p.map((x) => ({ name: x.name, values: share(x.series.packagesHistogram).slice(0, 6) })),
    ['0', '1', '2', '3', '4', '5+'],
    'share of orders',
  );
  const maxDay = Math.max(1, ...p.map((x) => x.series.transitHistogram.findLastIndex((v) => v > 0)));
  const transit = barChart(
    p.map((x) => ({ name: x.name, values: share(x.series.transitHistogram).slice(0, maxDay + 1) })),
    Array.from({ length: maxDay + 1 }, (_, i) => String(i)),
    'share of orders',
  );
  const base = mapBase([...report.nodes, ...report.destinations]);
  const maps = p
    .map((x, i) => {
      const nodes = report.nodes.map((n) => ({ ...n, packages: x.series.nodePackages[n.id] ?? 0 }));
      const map = flowMap(base, nodes, x.series.flows, report.destinations);
      return `<div class="mapview" data-i="${i}"${i === 0 ? '' : ' hidden'}>${map}</div>`;
    })
    .join('');
  const buttons = p.map((x, i) => `<button onclick="showMap(${i})">${escapeHtml(x.name)}</button>`).join(' ');
  const facts = Object.entries(report.scenario.facts)
    .map(([k, v]) => `<li>${escapeHtml(k)}: ${escapeHtml(String(v))}</li>`)
    .join('');
  const descriptions = p
    .map((x) => `<li><b>${escapeHtml(x.name)}</b> (${x.mode}): ${escapeHtml(x.description ?? '')}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderGrid simulation: ${escapeHtml(report.scenario.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
pre{background:#f6f6f6;padding:12px;overflow:auto}
svg{font:11px system-ui,sans-serif;width:100%;height:auto;border:1px solid #eee;background:#fff}
h2{margin-top:28px}
</style></head><body>
<h1>Simulation report: ${escapeHtml(report.scenario.name)}</h1>
<ul>${facts}</ul>
<h2>Policies</h2><ul>${descriptions}</ul>
<h2>Metrics</h2><pre>${escapeHtml(formatReportTable(report))}</pre>
<h2>Cost per order by day</h2>${costPerDay}
<h2>Orders by day</h2>${ordersPerDay}
<h2>Packages per order</h2>${packages}
<h2>Transit days (last package)</h2>${transit}
<h2>Nodes and flows</h2><p>Squares: warehouses; red circles: stores (size: packages sent). Green discs: orders per 1° destination cell. Lines: packages from a node to a 1° destination cell (the 400 largest flows). ${buttons}</p>
${base.defs}${maps}
<script>function showMap(i){document.querySelectorAll('.mapview').forEach(function(e){e.hidden=e.dataset.i!=String(i)})}</script>
</body></html>
`;
}
