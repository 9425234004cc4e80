import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import {
  LinearRatesSchema,
  ProblemPolicySchema,
  type RoutingProblem,
  RoutingProblemSchema,
  ZoneRatesSchema,
} from './problem-schema.ts';

export interface ProblemError {
  /** JSON pointer (RFC 6901) to the first problem; '' is the document itself. */
  pointer: string;
  message: string;
}

export type ProblemValidation = { ok: true; problem: RoutingProblem } | { ok: false; error: ProblemError };

const props = RoutingProblemSchema.properties;
/** Top-level fields in the order the format lists them, so the first error is the first in reading order. */
const sections: [string, TypeCheck<TSchema> | null][] = [
  ['version', TypeCompiler.Compile(props.version)],
  ['mode', TypeCompiler.Compile(props.mode)],
  ['rates', null],
  ['nodes', TypeCompiler.Compile(props.nodes)],
  ['items', TypeCompiler.Compile(props.items)],
  ['inventory', TypeCompiler.Compile(props.inventory)],
  ['orders', TypeCompiler.Compile(props.orders)],
  ['policy', TypeCompiler.Compile(ProblemPolicySchema)],
];
const required = new Set<string>(RoutingProblemSchema.required ?? []);
const zoneCheck = TypeCompiler.Compile(ZoneRatesSchema);
const linearCheck = TypeCompiler.Compile(LinearRatesSchema);

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function firstError(check: TypeCheck<TSchema>, value: unknown, base: string): ProblemError | null {
  const e = check.Errors(value).First();
  if (!e) return null;
  let message = e.message;
  if (message === 'Expected required property') message = 'missing required field';
  else if (message === 'Unexpected property') message = 'unknown field (not part of format version 1)';
  else if (message === 'Expected union value' && typeof e.schema.description === 'string') {
    message = `must be ${e.schema.description}`;
  } else message = message.charAt(0).toLowerCase() + message.slice(1);
  return { pointer: base + e.path, message };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the text of a problem file; bad JSON is reported at the document root with its line. */
export function parseRoutingProblem(text: string): ProblemValidation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(msg);
    let where = '';
    if (at && !/line \d+/.test(msg)) {
      const before = text.slice(0, Number(at[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
    }
    return { ok: false, error: { pointer: '', message: `not valid JSON: ${msg}${where}` } };
  }
  return validateRoutingProblem(value);
}

/** Validates a parsed document: shapes and ranges first, in reading order, then cross-references. */
export function validateRoutingProblem(value: unknown): ProblemValidation {
  if (!isObject(value))
    return { ok: false, error: { pointer: '', message: 'a routing problem must be a JSON object' } };
  const known = new Set(sections.map(([k]) => k));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      return {
        ok: false,
        error: { pointer: `/${escapeKey(key)}`, message: 'unknown field (not part of format version 1)' },
      };
    }
  }
  for (const [key, check] of sections) {
    if (!(key in value)) {
      if (required.has(key))
        return { ok: false, error: { pointer: `/${key}`, message: 'missing required field' } };
      continue;
    }
    const v = value[key];
    const error = check ? firstError(check, v, `/${key}`) : ratesError(v);
    if (error) return { ok: false, error };
  }
  const problem = value as unknown as RoutingProblem;
  const error = crossReferenceError(problem);
  return error ? { ok: false, error } : { ok: true, problem };
}

function ratesError(rates: unknown): ProblemError | null {
  if (!isObject(rates)) return { pointer: '/rates', message: 'must be an object' };
  if (rates.model === 'zone') return firstError(zoneCheck, rates, '/rates');
  if (rates.model === 'linear') return firstError(linearCheck, rates, '/rates');
  if (!('model' in rates)) return { pointer: '/rates/model', message: 'missing required field' };
  return { pointer: '/rates/model', message: 'must be "zone" or "linear"' };
}

function crossReferenceError(p: RoutingProblem): ProblemError | null {
  const bands = p.rates.bands;
  const last = bands.length - 1;
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i <= last; i++) {
    const m = bands[i]!.maxMiles;
    const pointer = `/rates/bands/${i}/maxMiles`;
    if (m === null && i < last) return { pointer, message: 'only the last band may have maxMiles null' };
    if (m !== null && i === last) return { pointer, message: 'the last band must have maxMiles null' };
    if (m !== null) {
      if (m <= prev)
        return { pointer, message: `must be greater than the previous band's maxMiles (${prev})` };
      prev = m;
    }
  }
  const nodes = new Map<string, (typeof p.nodes)[number]>();
  for (let i = 0; i < p.nodes.length; i++) {
    const n = p.nodes[i]!;
    if (nodes.has(n.id)) return { pointer: `/nodes/${i}/id`, message: `duplicate node id "${n.id}"` };
    nodes.set(n.id, n);
  }
  const skus = new Set<string>();
  for (let i = 0; i < p.items.length; i++) {
    const sku = p.items[i]!.sku;
    if (skus.has(sku)) return { pointer: `/items/${i}/sku`, message: `duplicate sku "${sku}"` };
    skus.add(sku);
  }
  const pairs = new Set<string>();
  for (let i = 0; i < p.inventory.length; i++) {
    const e = p.inventory[i]!;
    if (!nodes.has(e.node)) return { pointer: `/inventory/${i}/node`, message: `unknown node "${e.node}"` };
    if (!skus.has(e.sku)) return { pointer: `/inventory/${i}/sku`, message: `unknown sku "${e.sku}"` };
    const key = JSON.stringify([e.node, e.sku]);
    if (pairs.has(key)) {
      return {
        pointer: `/inventory/${i}`,
        message: `node "${e.node}" and sku "${e.sku}" already appear in inventory`,
      };
    }
    pairs.add(key);
  }
  const orders = new Set<string>();
  for (let i = 0; i < p.orders.length; i++) {
    const o = p.orders[i]!;
    if (orders.has(o.id)) return { pointer: `/orders/${i}/id`, message: `duplicate order id "${o.id}"` };
    orders.add(o.id);
    const inOrder = new Set<string>();
    for (let j = 0; j < o.lines.length; j++) {
      const sku = o.lines[j]!.sku;
      const pointer = `/orders/${i}/lines/${j}/sku`;
      if (!skus.has(sku)) return { pointer, message: `unknown sku "${sku}"` };
      if (inOrder.has(sku)) return { pointer, message: `sku "${sku}" appears twice in this order` };
      inOrder.add(sku);
    }
    if (o.pickupNode !== undefined) {
      const n = nodes.get(o.pickupNode);
      const pointer = `/orders/${i}/pickupNode`;
      if (!n) return { pointer, message: `unknown node "${o.pickupNode}"` };
      if (!(n.fulfils ?? ['ship']).includes('pickup')) {
        return { pointer, message: `node "${o.pickupNode}" does not list "pickup" in fulfils` };
      }
    }
  }
  return null;
}

export function formatProblemError(e: ProblemError): string {
  return `${e.pointer === '' ? '(document)' : e.pointer}: ${e.message}`;
}
