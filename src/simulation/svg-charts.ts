/** Small inline-SVG charts for the HTML report: no script, no external assets. */

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface Series {
  name: string;
  values: number[];
}

const W = 720;
const H = 260;
const PAD = { l: 56, r: 12, t: 12, b: 36 };

function legend(series: readonly Series[]): string {
  return series
    .map(
      (s, i) =>
        `<tspan fill="${PALETTE[i % PALETTE.length]}" x="${PAD.l + 8}" dy="${i === 0 ? 0 : 14}">■ ${escapeHtml(s.name)}</tspan>`,
    )
    .join('');
}

/** One line per series over x = 0..n-1 (e.g. cost per order by day). */
export function lineChart(series: readonly Series[], xLabel: string, yLabel: string): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite))));
  const x = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / Math.max(1, n - 1);
  const y = (v: number) => H - PAD.b - ((H - PAD.t - PAD.b) * v) / max;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(f * max)}" y2="${y(f * max)}" stroke="#ddd"/><text x="${PAD.l - 4}" y="${y(f * max) + 4}" text-anchor="end">${+(f * max).toPrecision(3)}</text>`,
    )
    .join('');
  const lines = series
    .map((s, i) => {
      const pts = s.values
        .map((v, t) => `${x(t).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`)
        .join(' ');
      return `<polyline fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.8" points="${pts}"/>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" class="chart">${grid}${lines}<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text><text x="12" y="${H / 2}" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text><text x="${PAD.l + 8}" y="${PAD.t + 12}">${legend(series)}</text></svg>`;
}

/** Grouped bars: for each category, one bar per series (e.g. share of orders by packages). */
export function barChart(series: readonly Series[], categories: readonly string[], yLabel: string): string {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const groupW = (W - PAD.l - PAD.r) / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const y = (v: number) => H - PAD.b - ((H - PAD.t - PAD.b) * v) / max;
  const bars = series
    .map((s, i) =>
      s.values
        .map((v, c) => {
          const x0 = PAD.l + c * groupW + groupW * 0.1 + i * barW;
          return `<rect x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(H - PAD.b - y(v)).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeHtml(s.name)}: ${v.toPrecision(4)}</title></rect>`;
        })
        .join(''),
    )
    .join('');
  const labels = categories
    .map(
      (c, i) =>
        `<text x="${PAD.l + (i + 0.5) * groupW}" y="${H - PAD.b + 14}" text-anchor="middle">${escapeHtml(c)}</text>`,
    )
    .join('');
  const grid = [0, 0.5, 1]
    .map(
      (f) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(f * max)}" y2="${y(f * max)}" stroke="#ddd"/><text x="${PAD.l - 4}" y="${y(f * max) + 4}" text-anchor="end">${+(f * max).toPrecision(3)}</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" class="chart">${grid}${bars}${labels}<text x="12" y="${H / 2}" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text><text x="${W - 200}" y="${PAD.t + 12}">${legend(series).replaceAll(`x="${PAD.l + 8}"`, `x="${W - 200}"`)}</text></svg>`;
}

export interface MapNode {
  id: string;
  kind: string;
  lat: number;
  lon: number;
  packages: number;
}

export interface MapFlow {
  node: string;
  lat: number;
  lon: number;
  packages: number;
}

/**
 * Nodes and flows on an equirectangular projection scaled by cos(mean latitude), fitted to
 * the points shown; a graticule every 5 degrees stands in for a base map.
 */
export function flowMap(nodes: readonly MapNode[], flows: readonly MapFlow[]): string {
  const MW = 900;
  const MH = 520;
  const pts = [...nodes, ...flows];
  if (pts.length === 0) return '';
  const minLat = Math.min(...pts.map((p) => p.lat)) - 1;
  const maxLat = Math.max(...pts.map((p) => p.lat)) + 1;
  const minLon = Math.min(...pts.map((p) => p.lon)) - 1;
  const maxLon = Math.max(...pts.map((p) => p.lon)) + 1;
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min((MW - 20) / ((maxLon - minLon) * k), (MH - 20) / (maxLat - minLat));
  const px = (lon: number) => 10 + (lon - minLon) * k * scale;
  const py = (lat: number) => 10 + (maxLat - lat) * scale;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const graticule: string[] = [];
  for (let lat = Math.ceil(minLat / 5) * 5; lat <= maxLat; lat += 5)
    graticule.push(
      `<line x1="${px(minLon)}" x2="${px(maxLon)}" y1="${py(lat)}" y2="${py(lat)}" stroke="#eee"/>`,
    );
  for (let lon = Math.ceil(minLon / 5) * 5; lon <= maxLon; lon += 5)
    graticule.push(
      `<line x1="${px(lon)}" x2="${px(lon)}" y1="${py(minLat)}" y2="${py(maxLat)}" stroke="#eee"/>`,
    );
  const maxFlow = Math.max(1, ...flows.map((f) => f.packages));
  const lines = flows
    .map((f) => {
      const n = byId.get(f.node);
      if (!n) return '';
      const w = 0.3 + 3 * Math.sqrt(f.packages / maxFlow);
      const colour = n.kind === 'store' ? '#d62728' : '#1f77b4';
      return `<line x1="${px(n.lon).toFixed(1)}" y1="${py(n.lat).toFixed(1)}" x2="${px(f.lon).toFixed(1)}" y2="${py(f.lat).toFixed(1)}" stroke="${colour}" stroke-opacity="0.35" stroke-width="${w.toFixed(2)}"/>`;
    })
    .join('');
  const maxPk = Math.max(1, ...nodes.map((n) => n.packages));
  const dots = nodes
    .map((n) => {
      const r = 1.5 + 8 * Math.sqrt(n.packages / maxPk);
      const title = `<title>${escapeHtml(n.id)} (${n.kind}): ${n.packages.toLocaleString('en-US')} packages</title>`;
      return n.kind === 'store'
        ? `<circle cx="${px(n.lon).toFixed(1)}" cy="${py(n.lat).toFixed(1)}" r="${r.toFixed(1)}" fill="#d62728" fill-opacity="0.7">${title}</circle>`
        : `<rect x="${(px(n.lon) - r).toFixed(1)}" y="${(py(n.lat) - r).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(2 * r).toFixed(1)}" fill="#1f77b4">${title}</rect>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${MW} ${MH}" class="map">${graticule.join('')}${lines}${dots}</svg>`;
}
