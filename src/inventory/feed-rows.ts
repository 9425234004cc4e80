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

/** Where a row's values come from: a JSON object (typed values) or a CSV record (strings, '' = absent). */
export type RowSource = { json: Record<string, unknown> } | { csv: string[]; columns: Map<string, number> };

/**
 * Validates rows one after another. One instance serves a whole batch: its checks are methods,
 * not closures made per row (a million rows would otherwise allocate millions of functions).
 */
export class FeedRowReader {
  private source: RowSource = { json: {} };
  private index = 0;
  /** The CSV line, named in problems; 0 for JSON. */
  private line = 0;

  constructor(
    private readonly nowMs: number,
    readonly problems: FieldProblem[],
  ) {}

  /** Appends a problem per bad field and returns undefined if there was any. */
  read(source: RowSource, index: number, line = 0): FeedRow | undefined {
    this.source = source;
    this.index = index;
    this.line = line;
    const before = this.problems.length;
    if ('json' in source) {
      for (const key in source.json) {
        if (!(FEED_FIELDS as readonly string[]).includes(key)) this.bad(key, 'is not a known field');
      }
    }
    for (const field of REQUIRED_FEED_FIELDS)
      if (!this.present(this.value(field))) this.bad(field, 'is required');

    const kindValue = this.value('kind');
    const kindPresent = this.present(kindValue);
    const kind = kindPresent && KINDS.has(String(kindValue)) ? (String(kindValue) as FeedKind) : null;
    if (kindPresent && !kind) this.bad('kind', `must be one of ${FEED_KINDS.join(', ')}`);
    const nodeId = this.str('nodeId', NODE_ID, 64);
    const sku = this.str('sku', SKU, 64);
    const source_ = this.str('source', null, 100);
    const sourceId = this.str('sourceId', null, 200);
    const reason = this.str('reason', null, 200);
    const correlationId = this.str('correlationId', null, 200);
    const quantity = this.int('quantity');
    const sequence = this.int('sequence');
    if (sequence !== null && sequence < 0) this.bad('sequence', 'must be >= 0');

    let asOf: Date | null = null;
    const asOfRaw = this.value('asOf');
    const asOfPresent = this.present(asOfRaw);
    if (asOfPresent) {
      if (typeof asOfRaw !== 'string' || !ISO_TIME.test(asOfRaw) || Number.isNaN(Date.parse(asOfRaw))) {
        this.bad('asOf', 'must be an ISO 8601 date-time with a time zone');
      } else {
        asOf = new Date(asOfRaw);
        if (asOf.getTime() > this.nowMs + FUTURE_SLACK_MS) this.bad('asOf', 'is in the future');
      }
    }

    if (quantity !== null && kind) {
      if (Math.abs(quantity) > MAX_QUANTITY) this.bad('quantity', `must be at most ${MAX_QUANTITY} in size`);
      else if (kind === 'count' && quantity < 0) this.bad('quantity', 'a count must be >= 0');
      else if (kind === 'transfer-out' && quantity >= 0)
        this.bad('quantity', 'a transfer-out lowers on hand: must be < 0');
      else if (kind === 'adjustment' && quantity === 0) this.bad('quantity', 'an adjustment must not be 0');
      else if (kind !== 'count' && kind !== 'adjustment' && kind !== 'transfer-out' && quantity <= 0)
        this.bad('quantity', `a ${kind} raises on hand: must be > 0`);
    }
    if (kind === 'count' && !asOfPresent) this.bad('asOf', 'a count needs the time it was taken');
    else if (!this.present(this.value('sequence')) && !asOfPresent)
      this.bad('sequence', 'a sequence or an asOf time is required');

    if (this.problems.length > before) return undefined;
    return {
      kind: kind as FeedKind,
      nodeId: nodeId as string,
      sku: sku as string,
      quantity: quantity as number,
      source: source_ as string,
      sourceId: sourceId as string,
      sequence,
      asOf,
      reason,
      correlationId,
    };
  }

  private value(field: string): unknown {
    const s = this.source;
    if ('json' in s) return s.json[field];
    const c = s.columns.get(field);
    return c === undefined ? undefined : s.csv[c];
  }

  private present(v: unknown): boolean {
    return v !== undefined && v !== null && !('csv' in this.source && v === '');
  }

  private bad(field: string, detail: string): null {
    const where = this.line ? ` (line ${this.line})` : '';
    this.problems.push({ pointer: feedPointer(this.index, field), detail: `${detail}${where}`, in: 'body' });
    return null;
  }

  private str(field: FeedField, pattern: RegExp | null, max: number): string | null {
    const v = this.value(field);
    if (!this.present(v)) return null;
    if (typeof v !== 'string') return this.bad(field, 'must be a string');
    if (v.length > max) return this.bad(field, `must be at most ${max} characters`);
    if (pattern && !pattern.test(v)) return this.bad(field, 'has characters that are not allowed');
    return v;
  }

  private int(field: FeedField): number | null {
    const v = this.value(field);
    if (!this.present(v)) return null;
    if ('csv' in this.source) {
      if (typeof v !== 'string') return this.bad(field, 'must be an integer');
      const t = v.trim();
      if (!INTEGER.test(t)) return this.bad(field, 'must be an integer');
      return Number(t);
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return this.bad(field, 'must be an integer');
    return v;
  }
}
