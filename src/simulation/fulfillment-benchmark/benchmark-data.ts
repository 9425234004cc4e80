/**
 * The network of the published multi-item fulfilment experiments (Jasin & Sinha 2015; Ma 2023):
 * US cities with populations and fulfilment centres, parsed from the CSV files in `dataset/`.
 * Pure parsing; `dataset-loader.ts` reads the files.
 */

export interface BenchmarkCity {
  name: string;
  state: string;
  lat: number;
  lon: number;
  population: number;
}

export interface BenchmarkCentre {
  code: string;
  state: string;
  lat: number;
  lon: number;
}

export interface BenchmarkData {
  cities: BenchmarkCity[];
  centres: BenchmarkCentre[];
}

/** Rows of a header-less CSV without quoted fields, tolerating a byte-order mark and CRLF. */
function rows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(',').map((c) => c.trim()));
}

function num(value: string | undefined, what: string): number {
  const v = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(v))
    throw new RangeError(`bad ${what}: ${value}`);
  return v;
}

export function parseCities(text: string): BenchmarkCity[] {
  return rows(text).map(([name, state, lat, lon, pop]) => ({
    name: name ?? '',
    state: state ?? '',
    lat: num(lat, 'latitude'),
    lon: num(lon, 'longitude'),
    population: num(pop, 'population'),
  }));
}

export function parseCentres(text: string): BenchmarkCentre[] {
  return rows(text).map(([code, state, lat, lon]) => ({
    code: code ?? '',
    state: state ?? '',
    lat: num(lat, 'latitude'),
    lon: num(lon, 'longitude'),
  }));
}
