import { escapeHtml } from './svg-charts.ts';
import { projectUs, US_MAP_HEIGHT, US_MAP_WIDTH, usOutlines } from './us-map.ts';

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

export interface MapCell {
  lat: number;
  lon: number;
  orders: number;
}

/** Where points go on the map and what is drawn beneath them; shared by every policy's map. */
export interface MapBase {
  width: number;
  height: number;
  project: (lon: number, lat: number) => [number, number] | null;
  /** Drawn first in each map (references `defs`). */
  background: string;
  /** Shapes drawn once per page and referenced by every map. */
  defs: string;
}

/**
 * US state outlines (us-atlas, Albers USA) when nearly every node and destination is in the
 * US; otherwise an equirectangular frame fitted to the points with a 5-degree graticule.
 */
export function mapBase(points: readonly { lat: number; lon: number }[]): MapBase {
  let inUs = 0;
  for (const p of points) if (projectUs(p.lon, p.lat)) inUs++;
  if (points.length > 0 && inUs >= 0.9 * points.length) {
    const { nation, borders } = usOutlines();
    return {
      width: US_MAP_WIDTH,
      height: US_MAP_HEIGHT,
      project: projectUs,
      defs: `<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><path id="us-nation" d="${nation}"/><path id="us-borders" d="${borders}"/></defs></svg>`,
      background:
        '<use href="#us-nation" fill="#f3f3f0" stroke="#999" stroke-width="0.8"/><use href="#us-borders" fill="none" stroke="#bbb" stroke-width="0.5"/>',
    };
  }
  return graticuleBase(points);
}

function graticuleBase(points: readonly { lat: number; lon: number }[]): MapBase {
  const MW = 900;
  const MH = 520;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const minLat = (lats.length > 0 ? Math.min(...lats) : 0) - 1;
  const maxLat = (lats.length > 0 ? Math.max(...lats) : 0) + 1;
  const minLon = (lons.length > 0 ? Math.min(...lons) : 0) - 1;
  const maxLon = (lons.length > 0 ? Math.max(...lons) : 0) + 1;
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min((MW - 20) / ((maxLon - minLon) * k), (MH - 20) / (maxLat - minLat));
  const px = (lon: number) => 10 + (lon - minLon) * k * scale;
  const py = (lat: number) => 10 + (maxLat - lat) * scale;
  const lines: string[] = [];
  for (let lat = Math.ceil(minLat / 5) * 5; lat <= maxLat; lat += 5)
    lines.push(`<line x1="${px(minLon)}" x2="${px(maxLon)}" y1="${py(lat)}" y2="${py(lat)}" stroke="#eee"/>`);
  for (let lon = Math.ceil(minLon / 5) * 5; lon <= maxLon; lon += 5)
    lines.push(`<line x1="${px(lon)}" x2="${px(lon)}" y1="${py(minLat)}" y2="${py(maxLat)}" stroke="#eee"/>`);
  return {
    width: MW,
    height: MH,
    project: (lon, lat) => [px(lon), py(lat)],
    background: lines.join(''),
    defs: '',
  };
}

const f1 = (v: number) => v.toFixed(1);

/**
 * One policy's map: destination density (orders per 1-degree cell, shaded discs), the largest
 * flows (node to destination cell) and the nodes (squares: warehouses; circles: stores; size:
 * packages sent).
 */
export function flowMap(
  base: MapBase,
  nodes: readonly MapNode[],
  flows: readonly MapFlow[],
  cells: readonly MapCell[],
): string {
  const at = new Map<string, [number, number]>();
  for (const n of nodes) {
    const p = base.project(n.lon, n.lat);
    if (p) at.set(n.id, p);
  }
  const maxOrders = Math.max(1, ...cells.map((c) => c.orders));
  const density = cells
    .map((c) => {
      const p = base.project(c.lon, c.lat);
      if (!p) return '';
      const share = Math.sqrt(c.orders / maxOrders);
      return `<circle cx="${f1(p[0])}" cy="${f1(p[1])}" r="${f1(2 + 7 * share)}" fill="#2ca02c" fill-opacity="${(0.12 + 0.5 * share).toFixed(2)}"><title>${c.orders.toLocaleString('en-US')} orders</title></circle>`;
    })
    .join('');
  const maxFlow = Math.max(1, ...flows.map((f) => f.packages));
  const kindOf = new Map(nodes.map((n) => [n.id, n.kind]));
  const lines = flows
    .map((f) => {
      const a = at.get(f.node);
      const b = base.project(f.lon, f.lat);
      if (!a || !b) return '';
      const w = 0.3 + 3 * Math.sqrt(f.packages / maxFlow);
      const colour = kindOf.get(f.node) === 'store' ? '#d62728' : '#1f77b4';
      return `<line x1="${f1(a[0])}" y1="${f1(a[1])}" x2="${f1(b[0])}" y2="${f1(b[1])}" stroke="${colour}" stroke-opacity="0.35" stroke-width="${w.toFixed(2)}"/>`;
    })
    .join('');
  const maxPk = Math.max(1, ...nodes.map((n) => n.packages));
  const dots = nodes
    .map((n) => {
      const p = at.get(n.id);
      if (!p) return '';
      const r = 1.5 + 8 * Math.sqrt(n.packages / maxPk);
      const title = `<title>${escapeHtml(n.id)} (${escapeHtml(n.kind)}): ${n.packages.toLocaleString('en-US')} packages</title>`;
      return n.kind === 'store'
        ? `<circle cx="${f1(p[0])}" cy="${f1(p[1])}" r="${f1(r)}" fill="#d62728" fill-opacity="0.7">${title}</circle>`
        : `<rect x="${f1(p[0] - r)}" y="${f1(p[1] - r)}" width="${f1(2 * r)}" height="${f1(2 * r)}" fill="#1f77b4">${title}</rect>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${base.width} ${base.height}" class="map">${base.background}${density}${lines}${dots}</svg>`;
}
