import { FormatRegistry, Kind, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler';
import type { DestinationInput } from '../../network/destination-schema.ts';
import { OrderInput, type SERVICE_LEVELS } from '../../orders/order-input-schema.ts';
import type { ConnectorId, ConnectorProblem, NormaliseResult, ShipmentReport } from './connector-types.ts';
import { ShipmentReportError, ShipmentReport as ShipmentReportSchema } from './connector-types.ts';

const RFC3339 = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]\d\d:?\d\d)$/i;

// TypeBox checks `format` only through its registry (the HTTP layer validates with ajv-formats instead).
// Registered here, unless someone already did, so the final OrderInput check below can pass.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
}

const MAX_ERRORS = 20;

const KIND_NAMES: Record<string, string> = {
  Object: 'an object',
  String: 'a string',
  Number: 'a number',
  Integer: 'an integer',
  Boolean: 'true or false',
  Array: 'an array',
};

/** An optional field that may also be null, as the platforms send absent values either way. */
export function Nullable<T extends TSchema>(schema: T) {
  const what = schema.description ?? KIND_NAMES[schema[Kind] as string] ?? 'a value';
  return Type.Optional(Type.Union([schema, Type.Null()], { description: `${what} or null` }));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Trimmed text, or undefined for null, empty or non-string values. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A plain decimal ("19.99", "0", "-3.5"); exponents, blanks and thousands separators are refused. */
export function parseDecimal(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Unit price from a line total: exact totals divided by quantity can repeat, so keep 6 decimals. */
export function unitPrice(total: number, quantity: number): number {
  return Math.round((total / quantity) * 1e6) / 1e6;
}

/** RFC 3339 timestamp (any offset) → UTC ISO string, or null. */
export function normaliseTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Lower-case letters and digits only, so "FedEx", "fed-ex" and "FEDEX" compare equal. */
export function carrierKey(carrier: string): string {
  return carrier.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function friendly(message: string): string {
  return message === 'Expected required property' ? 'is required' : lowerFirst(message);
}

/** Checks a payload against a compiled schema; one problem per offending field, in reading order. */
export function schemaProblems(check: TypeCheck<TSchema>, value: unknown, base = ''): ConnectorProblem[] {
  const seen = new Set<string>();
  const problems: ConnectorProblem[] = [];
  for (const e of check.Errors(value)) {
    const pointer = base + e.path;
    // A missing or bad field can fail several checks: report it once, and not again at a parent.
    if ([...seen].some((p) => p === pointer || p.startsWith(`${pointer}/`))) continue;
    seen.add(pointer);
    // Unions and patterns read better by what they stand for than by their mechanics.
    const description = e.schema.description;
    const described =
      (e.type === ValueErrorType.Union || e.type === ValueErrorType.StringPattern) &&
      typeof description === 'string';
    const detail = described ? `must be ${lowerFirst(description)}` : friendly(e.message);
    problems.push({ pointer, detail });
    if (problems.length >= MAX_ERRORS) break;
  }
  return problems;
}

const orderCheck = TypeCompiler.Compile(OrderInput);

/**
 * Collects an order's problems and warnings, and where each OrderGrid field came from in the platform
 * payload, so that a value the platform accepts but OrderGrid does not (a sku with spaces, 20 000 units)
 * is reported at the platform's own field.
 */
export class OrderDraft {
  readonly errors: ConnectorProblem[] = [];
  readonly warnings: string[] = [];
  private readonly origins = new Map<string, string>();

  /** Records that the OrderGrid field at `orderPath` was taken from `pointer` in the payload. */
  from(orderPath: string, pointer: string): void {
    this.origins.set(orderPath, pointer);
  }

  error(pointer: string, detail: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ pointer, detail });
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Optional descriptive text: clipped to OrderGrid's limit with a warning rather than refusing the order. */
  clip(value: unknown, max: number, pointer: string): string | undefined {
    const t = text(value);
    if (t === undefined || t.length <= max) return t;
    this.warn(`${pointer} is longer than ${max} characters; truncated`);
    return t.slice(0, max);
  }

  private originOf(path: string): string {
    let p = path;
    while (p !== '') {
      const origin = this.origins.get(p);
      if (origin !== undefined) return origin;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    return '';
  }

  finish(order: OrderInput): NormaliseResult {
    if (this.errors.length > 0) return { ok: false, errors: this.errors };
    const problems = schemaProblems(orderCheck, order);
    if (problems.length > 0) {
      return {
        ok: false,
        errors: problems.map((p) => ({
          pointer: this.originOf(p.pointer),
          detail: `${p.detail} (OrderGrid field ${p.pointer || '/'})`,
        })),
      };
    }
    return { ok: true, order, warnings: this.warnings };
  }
}

export interface AddressFields {
  name?: [unknown, string];
  line1?: [unknown, string];
  line2?: [unknown, string];
  city?: [unknown, string];
  region?: [unknown, string];
  postalCode?: [unknown, string];
  country?: [unknown, string];
  lat?: [unknown, string];
  lon?: [unknown, string];
}

/** Maps an address given as [value, pointer] pairs; descriptive text is clipped, the country must be valid. */
export function buildDestination(draft: OrderDraft, fields: AddressFields): DestinationInput {
  const destination: DestinationInput = {};
  const limits = { name: 200, line1: 200, line2: 200, city: 100 } as const;
  for (const key of ['name', 'line1', 'line2', 'city'] as const) {
    const field = fields[key];
    if (!field) continue;
    const value = draft.clip(field[0], limits[key], field[1]);
    if (value !== undefined) {
      destination[key] = value;
      draft.from(`/destination/${key}`, field[1]);
    }
  }
  if (fields.region) {
    const region = text(fields.region[0]);
    // OrderGrid wants a region code ("CA"); a spelled-out region name that does not fit is dropped.
    if (region !== undefined && region.length > 10) {
      draft.warn(`${fields.region[1]} "${region}" is not a region code; left out of the destination`);
    } else if (region !== undefined) {
      destination.region = region;
      draft.from('/destination/region', fields.region[1]);
    }
  }
  if (fields.postalCode) {
    const postalCode = text(fields.postalCode[0]);
    if (postalCode !== undefined) {
      destination.postalCode = postalCode;
      draft.from('/destination/postalCode', fields.postalCode[1]);
    }
  }
  if (fields.country) {
    const country = text(fields.country[0])?.toUpperCase();
    if (country !== undefined) {
      if (/^[A-Z]{2}$/.test(country)) destination.country = country;
      else draft.error(fields.country[1], 'must be a two-letter ISO 3166-1 country code');
    }
  }
  const lat = fields.lat?.[0];
  const lon = fields.lon?.[0];
  if (typeof lat === 'number' && typeof lon === 'number') {
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      destination.lat = lat;
      destination.lon = lon;
    } else draft.warn(`${fields.lat?.[1]}/${fields.lon?.[1]} are out of range; coordinates ignored`);
  }
  return destination;
}

export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

/** Service level from a shipping method's free text: the fastest keyword found wins. */
export function serviceLevelFromText(value: string): ServiceLevel {
  const key = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/overnight|nextday|oneday|1day|sameday/.test(key)) return 'next-day';
  if (/express|expedited|2day|2ndday|twoday|secondday|priorityair/.test(key)) return 'express';
  return 'standard';
}

/** The OrderGrid node for a platform location, or an error at the pointer naming that location. */
export function pickupNode(
  draft: OrderDraft,
  locationMap: Record<string, string> | undefined,
  location: string | undefined,
  pointer: string,
): string | undefined {
  if (location === undefined) {
    draft.error(pointer, 'a pickup order must name the pickup location');
    return undefined;
  }
  const node = locationMap && Object.hasOwn(locationMap, location) ? locationMap[location] : undefined;
  if (node === undefined) {
    draft.error(pointer, `pickup location "${location}" has no OrderGrid node in the location map`);
    return undefined;
  }
  draft.from('/pickupNode', pointer);
  return node;
}

const reportCheck = TypeCompiler.Compile(ShipmentReportSchema);

/** Validates a shipment report before building a platform payload from it. */
export function checkShipmentReport(connector: ConnectorId, channel: string, report: ShipmentReport): void {
  const problems = schemaProblems(reportCheck, report);
  if (problems.length === 0 && report.channel !== channel) {
    problems.push({
      pointer: '/channel',
      detail: `is "${report.channel}", not this connector's "${channel}"`,
    });
  }
  if (problems.length === 0 && normaliseTimestamp(report.shippedAt) === null) {
    problems.push({ pointer: '/shippedAt', detail: 'must be an RFC 3339 timestamp' });
  }
  if (problems.length > 0) throw new ShipmentReportError(connector, problems);
}
