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
