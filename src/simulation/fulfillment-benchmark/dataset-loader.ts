import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchmarkData, parseCentres, parseCities } from './benchmark-data.ts';

/** Which published network: the "warm-up" (10 cities, 5 centres) or the larger one (99, 10). */
export type BenchmarkSize = 'warmup' | 'large';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'dataset');

/** Reads the bundled copy of the public data set (the only file I/O of the benchmark). */
export function loadBenchmarkData(size: BenchmarkSize): BenchmarkData {
  const suffix = size === 'warmup' ? '_warmup' : '';
  return {
    cities: parseCities(readFileSync(join(dir, `cities${suffix}.csv`), 'utf8')),
    centres: parseCentres(readFileSync(join(dir, `fulfillment_centers${suffix}.csv`), 'utf8')),
  };
}
