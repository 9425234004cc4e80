import type { FieldProblem } from '../platform/errors/app-error.ts';

/** What a feed row may be: a delta of on hand (by movement kind) or an absolute count. */
export const FEED_KINDS = [
  'receipt',
  'adjustment',
  'return-restock',
  'transfer-in',
  'transfer-out',
  'count',
] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export const FEED_FIELDS = [
  'kind',
  'nodeId',
  'sku',
  'quantity',
  'source',
  'sourceId',
  'sequence',
  'asOf',
  'reason',
  'correlationId',
] as const;
export type FeedField = (typeof FEED_FIELDS)[number];
export const REQUIRED_FEED_FIELDS: readonly FeedField[] = [
  'kind',
  'nodeId',
  'sku',
  'quantity',
  'source',
  'sourceId',
];

/** One validated update. `quantity` is the change of on hand, or the counted units for a count. */
export interface FeedRow {
  kind: FeedKind;
  nodeId: string;
  sku: string;
  quantity: number;
  source: string;
  sourceId: string;
  sequence: number | null;
  asOf: Date | null;
  reason: string | null;
  correlationId: string | null;
}

/** Stop collecting after this many problems: enough to fix a file, bounded for a million bad rows. */
export const MAX_PROBLEMS = 100;
const MAX_QUANTITY = 10_000_000;
/** A feed's clock may run a little ahead of ours; further ahead is a mistake. */
const FUTURE_SLACK_MS = 5 * 60_000;

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const INTEGER = /^-?\d{1,16}$/;
const KINDS = new Set<string>(FEED_KINDS);

export function feedPointer(index: number, field: string): string {
  return `/rows/${index}/${field}`;
}

/**
 * Validates one row, from JSON (typed values) or CSV (`text`: every value a string, empty = absent).
 * Appends a problem per bad field and returns undefined if there was any.
 */
export function parseFeedRow(
  raw: Record<string, unknown>,
  index: number,
  text: boolean,
  nowMs: number,
  problems: FieldProblem[],
  where = '',
): FeedRow | undefined {
  const before = problems.length;
  const bad = (field: string, detail: string): null => {
    problems.push({ pointer: feedPointer(index, field), detail: `${detail}${where}`, in: 'body' });
    return null;
  };
  const present = (v: unknown) => v !== undefined && v !== null && !(text && v === '');

  if (!text) {
    for (const key of Object.keys(raw)) {
      if (!(FEED_FIELDS as readonly string[]).includes(key)) bad(key, 'is not a known field');
    }
  }
  for (const field of REQUIRED_FEED_FIELDS) if (!present(raw[field])) bad(field, 'is required');

  const str = (field: FeedField, pattern: RegExp | null, max: number): string | null => {
    const v = raw[field];
    if (!present(v)) return null;
    if (typeof v !== 'string') return bad(field, 'must be a string');
    if (v.length > max) return bad(field, `must be at most ${max} characters`);
    if (pattern && !pattern.test(v)) return bad(field, 'has characters that are not allowed');
    return v;
  };
  const int = (field: FeedField): number | null => {
    const v = raw[field];
    if (!present(v)) return null;
    if (text) {
      if (typeof v !== 'string' || !INTEGER.test(v.trim())) return bad(field, 'must be an integer');
      return Number(v.trim());
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return bad(field, 'must be an integer');
    return v;
  };

  const kindValue = raw.kind;
  const kind = present(kindValue) && KINDS.has(String(kindValue)) ? (String(kindValue) as FeedKind) : null;
  if (present(kindValue) && !kind) bad('kind', `must be one of ${FEED_KINDS.join(', ')}`);
  const nodeId = str('nodeId', NODE_ID, 64);
  const sku = str('sku', SKU, 64);
  const source = str('source', null, 100);
  const sourceId = str('sourceId', null, 200);
  const reason = str('reason', null, 200);
  const correlationId = str('correlationId', null, 200);
  const quantity = int('quantity');
  const sequence = int('sequence');
  if (sequence !== null && sequence < 0) bad('sequence', 'must be >= 0');

  let asOf: Date | null = null;
  const asOfRaw = raw.asOf;
  if (present(asOfRaw)) {
    if (typeof asOfRaw !== 'string' || !ISO_TIME.test(asOfRaw) || Number.isNaN(Date.parse(asOfRaw))) {
      bad('asOf', 'must be an ISO 8601 date-time with a time zone');
    } else {
      asOf = new Date(asOfRaw);
      if (asOf.getTime() > nowMs + FUTURE_SLACK_MS) bad('asOf', 'is in the future');
    }
  }

  if (quantity !== null && kind) {
    if (Math.abs(quantity) > MAX_QUANTITY) bad('quantity', `must be at most ${MAX_QUANTITY} in size`);
    else if (kind === 'count' && quantity < 0) bad('quantity', 'a count must be >= 0');
    else if (kind === 'transfer-out' && quantity >= 0)
      bad('quantity', 'a transfer-out lowers on hand: must be < 0');
    else if (kind === 'adjustment' && quantity === 0) bad('quantity', 'an adjustment must not be 0');
    else if (kind !== 'count' && kind !== 'adjustment' && kind !== 'transfer-out' && quantity <= 0)
      bad('quantity', `a ${kind} raises on hand: must be > 0`);
  }
  if (kind === 'count' && !present(asOfRaw)) bad('asOf', 'a count needs the time it was taken');
  else if (!present(raw.sequence) && !present(asOfRaw))
    bad('sequence', 'a sequence or an asOf time is required');

  if (problems.length > before) return undefined;
  return {
    kind: kind as FeedKind,
    nodeId: nodeId as string,
    sku: sku as string,
    quantity: quantity as number,
    source: source as string,
    sourceId: sourceId as string,
    sequence,
    asOf,
    reason,
    correlationId,
  };
}
