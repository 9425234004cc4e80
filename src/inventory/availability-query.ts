import { Sku } from '../catalog/item-schema.ts';
import { type ResolvedDestination, resolveDestination } from '../network/destination-resolver.ts';
import { NODE_KINDS } from '../network/node-schema.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { type AvailabilityQuery, MAX_AVAILABILITY_SKUS } from './availability-schema.ts';

const SKU = new RegExp(Sku.pattern ?? '.');
const KINDS: readonly string[] = NODE_KINDS;

export interface ParsedAvailabilityQuery {
  skus: string[];
  channel: string | null;
  kinds: string[] | null;
  destination: ResolvedDestination | null;
  radiusMiles: number | null;
  detail: boolean;
}

function invalid(pointer: string, detail: string): AppError {
  return new AppError('invalid-request', `query ${pointer} ${detail}`, {
    errors: [{ pointer, detail, in: 'query' }],
  });
}

/** Splits a comma-separated list, checking each entry; pointers are /name/index. */
function list(value: string, name: string, check: (entry: string) => string | null, max: number): string[] {
  const entries = value.split(',').map((e) => e.trim());
  if (entries.length > max) throw invalid(`/${name}/${max}`, `at most ${max} entries`);
  const out: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const problem = check(entry);
    if (problem) throw invalid(`/${name}/${i}`, problem);
    if (!seen.has(entry)) {
      seen.add(entry);
      out.push(entry);
    }
  });
  return out;
}

const DESTINATION_FIELDS = ['lat', 'lon', 'postalCode', 'city', 'region', 'country'] as const;

/** Turns the query string into a lookup; a bad value is a 400 (or 422 for a destination) naming it. */
export function parseAvailabilityQuery(q: AvailabilityQuery): ParsedAvailabilityQuery {
  const skus = list(
    q.skus,
    'skus',
    (s) => (s === '' ? 'is empty' : SKU.test(s) ? null : 'is not a valid sku'),
    MAX_AVAILABILITY_SKUS,
  );
  const kinds = q.nodeKinds
    ? list(
        q.nodeKinds,
        'nodeKinds',
        (k) => (KINDS.includes(k) ? null : `must be one of ${KINDS.join(', ')}`),
        10,
      )
    : null;

  let destination: ResolvedDestination | null = null;
  const given = DESTINATION_FIELDS.filter((f) => q[f] !== undefined);
  if (given.length > 0) {
    const resolved = resolveDestination({
      lat: q.lat,
      lon: q.lon,
      postalCode: q.postalCode,
      city: q.city,
      region: q.region,
      country: q.country,
    });
    if (!resolved.ok) {
      // The resolver's '' means "nothing usable": name the field that was given instead.
      const pointer = resolved.pointer || `/${given[0]}`;
      throw new AppError('destination-unresolvable', `Cannot locate the destination: ${resolved.message}`, {
        errors: [{ pointer, detail: resolved.message, in: 'query' }],
      });
    }
    destination = resolved;
  }
  if (q.radiusMiles !== undefined && destination === null) {
    throw invalid('/radiusMiles', 'needs a destination (lat and lon, postalCode or city)');
  }
  return {
    skus,
    channel: q.channel ?? null,
    kinds,
    destination,
    radiusMiles: q.radiusMiles ?? null,
    detail: q.detail,
  };
}
