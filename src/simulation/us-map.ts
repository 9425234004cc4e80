import { createRequire } from 'node:module';
import { geoAlbersUsa, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** us-atlas ships the states projected to Albers USA in a 975 x 610 frame. */
export const US_MAP_WIDTH = 975;
export const US_MAP_HEIGHT = 610;

// The projection us-atlas documents for that frame: longitude/latitude land on its outlines.
const projection = geoAlbersUsa().scale(1300).translate([487.5, 305]);

/** Map coordinates of a place, or null outside the lower 48, Alaska and Hawaii. */
export function projectUs(lon: number, lat: number): [number, number] | null {
  return projection([lon, lat]);
}

let outlines: { nation: string; borders: string } | null = null;

/** SVG path data of the nation and of the state borders (loaded on first use, then kept). */
export function usOutlines(): { nation: string; borders: string } {
  if (!outlines) {
    const atlas = createRequire(import.meta.url)('us-atlas/states-albers-10m.json') as Topology<{
      states: GeometryCollection;
      nation: GeometryCollection;
    }>;
    const path = geoPath().digits(1);
    outlines = {
      nation: path(feature(atlas, atlas.objects.nation)) ?? '',
      borders: path(mesh(atlas, atlas.objects.states, (a, b) => a !== b)) ?? '',
    };
  }
  return outlines;
}
