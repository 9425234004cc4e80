import { geoAlbersUsa, geoPath } from 'd3-geo';
import type { ComponentChildren } from 'preact';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'us-atlas/states-albers-10m.json';

// us-atlas ships the states already projected to Albers USA in a 975×610 frame; this projection
// puts longitude/latitude into the same frame (the scale and offset us-atlas documents).
const projection = geoAlbersUsa().scale(1300).translate([487.5, 305]);
export const MAP_WIDTH = 975;
export const MAP_HEIGHT = 610;

const topology = atlas as unknown as Topology<{ states: GeometryCollection; nation: GeometryCollection }>;
const path = geoPath();
// Computed once: the shapes never change.
const nationPath = path(feature(topology, topology.objects.nation)) ?? '';
const bordersPath = path(mesh(topology, topology.objects.states, (a, b) => a !== b)) ?? '';

/** Map coordinates of a place, or null when it is outside the lower 48, Alaska and Hawaii. */
export function project(lon: number, lat: number): [number, number] | null {
  return projection([lon, lat]);
}

/** A gentle arc from a to b (flows read better curved than straight). */
export function arc(a: [number, number], b: [number, number]): string {
  const [x1, y1] = a;
  const [x2, y2] = b;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const bend = 0.2;
  return `M${x1},${y1} Q${mx - dy * bend},${my + dx * bend} ${x2},${y2}`;
}

/** A view box around the given points (with a margin, never closer than a few states), or the whole map. */
export function viewBoxAround(points: [number, number][], minWidth = 360): string {
  if (points.length === 0) return `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const aspect = MAP_HEIGHT / MAP_WIDTH;
  let w = Math.max(
    minWidth,
    (Math.max(...xs) - Math.min(...xs)) * 1.3,
    ((Math.max(...ys) - Math.min(...ys)) * 1.3) / aspect,
  );
  w = Math.min(w, MAP_WIDTH);
  const h = w * aspect;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const x = Math.min(Math.max(cx - w / 2, 0), MAP_WIDTH - w);
  const y = Math.min(Math.max(cy - h / 2, 0), MAP_HEIGHT - h);
  return `${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`;
}

export function UsMap(props: {
  label: string;
  children: ComponentChildren;
  legend?: ComponentChildren;
  /** Zoom to this view box (see viewBoxAround); the whole map by default. */
  viewBox?: string;
}) {
  return (
    <figure class="map">
      <svg viewBox={props.viewBox ?? `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} role="img" aria-label={props.label}>
        <path d={nationPath} class="map-land" />
        <path d={bordersPath} class="map-borders" />
        {props.children}
      </svg>
      {props.legend ? <figcaption class="legend">{props.legend}</figcaption> : null}
    </figure>
  );
}
