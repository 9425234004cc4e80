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
