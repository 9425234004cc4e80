/** Earth radius in miles fixed by the routing problem format. */
export const EARTH_RADIUS_MILES = 3958.8;

const RAD = Math.PI / 180;

/**
 * Great-circle distance in miles, with exactly the haversine form of the format
 * (d = 2R asin(sqrt(a))) so that band edges fall where an independent checker puts them.
 */
export function haversineMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const phi1 = lat1 * RAD;
  const phi2 = lat2 * RAD;
  const sDphi = Math.sin((phi2 - phi1) / 2);
  const sDlam = Math.sin(((lon2 - lon1) * RAD) / 2);
  const a = sDphi * sDphi + Math.cos(phi1) * Math.cos(phi2) * sDlam * sDlam;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Latitudes in radians and their cosines, computed once per set of points. */
export interface GeoPoints {
  readonly phi: Float64Array;
  readonly cosPhi: Float64Array;
}

const pointsByLat = new WeakMap<Float64Array, GeoPoints>();

/** Radians and cosines of `lat` (degrees), cached per array: a network's nodes never move. */
export function geoPoints(lat: Float64Array): GeoPoints {
  let g = pointsByLat.get(lat);
  if (!g) {
    const phi = Float64Array.from(lat, (x) => x * RAD);
    g = { phi, cosPhi: Float64Array.from(phi, Math.cos) };
    pointsByLat.set(lat, g);
  }
  return g;
}

/**
 * `haversineMiles(lat1, lon1, lat2, lon2)` bit for bit, with the first point's radians and
 * cosine precomputed (`geoPoints`) and the second's given: the same operations in the same order.
 */
export function haversineFrom(
  phi1: number,
  cosPhi1: number,
  lon1: number,
  phi2: number,
  cosPhi2: number,
  lon2: number,
): number {
  const sDphi = Math.sin((phi2 - phi1) / 2);
  const sDlam = Math.sin(((lon2 - lon1) * RAD) / 2);
  const a = sDphi * sDphi + cosPhi1 * cosPhi2 * sDlam * sDlam;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Radians of a latitude in degrees, as `haversineMiles` computes them. */
export function radians(deg: number): number {
  return deg * RAD;
}
