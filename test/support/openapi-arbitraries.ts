import fc from 'fast-check';

/**
 * fast-check arbitraries derived from the app's own OpenAPI document: for every operation, HTTP
 * requests that are mostly near-valid but wrong in exactly one way (one body field mutated, a bad
 * path parameter or query string, a wrong content type, broken JSON, random bytes, a bad key),
 * plus some valid ones. Shared by test/fault/fuzz.test.ts and bench/fuzz.bench.ts.
 */

type Schema = Record<string, unknown>;
type OpenApiDoc = {
  paths: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema> };
};

export interface FuzzOperation {
  /** "POST /v1/orders/:id/cancel": the route as the route table names it. */
  label: string;
  method: string;
  /** Path in OpenAPI form: /v1/orders/{id}/cancel. */
  path: string;
  roles: readonly string[] | undefined;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema; required: boolean }[];
  body: Schema | undefined;
}

export interface FuzzRequest {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was made wrong ("valid" for a request meant to be accepted). */
  mutation: string;
  /**
   * Valid requests, and mutations the route has no schema to refuse (a body on a GET, a query
   * string where none is declared): these may change state, so the runner sends them apart.
   */
  mayBeAccepted: boolean;
}

export interface FuzzKeys {
  /** A key per role; admin is used for most requests so they get past authentication. */
  byRole: Record<string, string>;
  revoked: string;
  expired: string;
}

export interface FuzzContext {
  keys: FuzzKeys;
  /** Known path-parameter values by parameter name (e.g. nodeId: ['N1']), so some requests reach existing rows. */
  known: Record<string, string[]>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations of the document, plus routes it hides (docs, the document itself) from the route table. */
export function fuzzOperations(
  doc: unknown,
  routeTable: { method: string; url: string; roles: readonly string[] | undefined }[],
): FuzzOperation[] {
  const d = doc as OpenApiDoc;
  const ops: FuzzOperation[] = [];
  for (const route of routeTable) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{wildcard}');
    const op = d.paths[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method.toLowerCase()];
    if (!METHODS.includes(route.method.toLowerCase())) continue;
    const params = ((op?.parameters as Schema[] | undefined) ?? []).map((p) => ({
      name: String(p.name),
      in: String(p.in),
      schema: resolve(d, (p.schema as Schema) ?? {}),
      required: p.required === true,
    }));
    const pathNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const content = (op?.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
      ?.content;
    ops.push({
      label: `${route.method} ${route.url}`,
      method: route.method,
      path,
      roles: route.roles,
      pathParams: pathNames.map((name) => ({
        name,
        schema: params.find((p) => p.in === 'path' && p.name === name)?.schema ?? { type: 'string' },
      })),
      queryParams: params.filter((p) => p.in === 'query'),
      body: content?.['application/json']?.schema
        ? resolve(d, content['application/json'].schema)
        : undefined,
    });
  }
  return ops;
}

function resolve(doc: OpenApiDoc, schema: Schema, depth = 0): Schema {
  if (depth > 20) return {};
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() as string;
    return resolve(doc, doc.components?.schemas?.[name] ?? {}, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Schema>).map(([k, v]) => [
        k,
        resolve(doc, v, depth + 1),
      ]),
    );
  }
  if (schema.items && typeof schema.items === 'object')
    out.items = resolve(doc, schema.items as Schema, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(schema[key]))
      out[key] = (schema[key] as Schema[]).map((s) => resolve(doc, s, depth + 1));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values that match a schema

const cache = new WeakMap<Schema, fc.Arbitrary<unknown>>();

function stringFor(s: Schema): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? Math.min(s.maxLength, min + 24) : min + 24;
  if (s.format === 'date-time')
    return fc
      .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2099-12-31') })
      .map((d) => d.toISOString());
  if (s.format === 'date')
    return fc
      .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2099-12-31') })
      .map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'uuid') return fc.uuid();
  if (typeof s.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((v) => v.length >= min && v.length <= ((s.maxLength as number) ?? Infinity));
    } catch {
      // A pattern fast-check cannot invert: arbitrary text, usually rejected, which is still useful.
    }
  }
  if (/url/i.test(String(s.description ?? '')) || s.format === 'uri') return fc.webUrl();
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
}

function numberFor(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + (integer ? 1 : 1e-6)
        : -1e6;
  const hi =
    typeof s.maximum === 'number'
      ? s.maximum
      : typeof s.exclusiveMaximum === 'number'
        ? s.exclusiveMaximum - (integer ? 1 : 1e-6)
        : 1e6;
  if (integer)
    return fc.integer({ min: Math.ceil(lo), max: Math.max(Math.ceil(lo), Math.floor(Math.min(hi, 1e9))) });
  return fc.double({ min: lo, max: Math.max(lo, Math.min(hi, 1e9)), noNaN: true, noDefaultInfinity: true });
}

/** A value valid for the schema (best effort: formats and patterns fast-check cannot invert come out invalid). */
export function validValue(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  const hit = cache.get(s);
  if (hit) return hit;
  const arb = buildValid(s, depth);
  cache.set(s, arb);
  return arb;
}

function buildValid(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  for (const key of ['anyOf', 'oneOf'])
    if (Array.isArray(s[key])) return fc.oneof(...(s[key] as Schema[]).map((x) => validValue(x, depth + 1)));
  const type = Array.isArray(s.type) ? (s.type[0] as string) : (s.type as string | undefined);
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return numberFor(s, true);
    case 'number':
      return numberFor(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (s.items as Schema | undefined) ?? {};
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.max(
        minLength,
        Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, minLength + 3),
      );
      if (depth > 6) return fc.constant([]);
      return s.uniqueItems
        ? fc.uniqueArray(validValue(items, depth + 1), {
            minLength,
            maxLength,
            selector: (v) => JSON.stringify(v),
          })
        : fc.array(validValue(items, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      const required = (s.required as string[] | undefined) ?? [];
      if (depth > 6) return fc.constant({});
      return fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, depth + 1)])),
        { requiredKeys: required.filter((k) => k in props) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---------------------------------------------------------------------------------------------
// Values wrong in one way

/** Strings that break naive handling: NUL, lone surrogates, bidi overrides, combining marks, emoji. */
const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\uffff\ufffe',
  '\u202eevil',
  'Z\u0364\u0351\u0313\u0324',
  '🙂'.repeat(40),
  'ｆｕｌｌｗｉｄｔｈ',
  '\r\n\t\u000b\u000c',
  "'; DROP TABLE nodes; --",
  '../../etc/passwd',
  '$' + '{jndi:ldap://x}',
  '<script>alert(1)</script>',
  '%00%2e%2e%2f',
  '-0',
  '1e309',
  ' ',
  '',
];

const huge = fc.constantFrom('x'.repeat(100_000), '𝒳'.repeat(60_000), 'ß'.repeat(300_000));

function deeplyNested(depth: number, object: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = object ? { a: v } : [v];
  return v;
}

/** Nesting too deep to build as a value (serialising it would overflow the stack): made as text. */
function deeplyNestedText(depth: number, object: boolean): string {
  return object
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

function outOfRange(s: Schema): unknown[] {
  const out: unknown[] = [];
  if (typeof s.maxLength === 'number') out.push('a'.repeat(s.maxLength + 1));
  if (typeof s.minLength === 'number' && s.minLength > 0) out.push('');
  if (typeof s.minimum === 'number') out.push(s.minimum - 1, s.minimum - 0.5);
  if (typeof s.exclusiveMinimum === 'number') out.push(s.exclusiveMinimum);
  if (typeof s.maximum === 'number') out.push(s.maximum + 1);
  if (typeof s.maxItems === 'number') out.push(Array.from({ length: s.maxItems + 1 }, () => 'x'));
  if (typeof s.minItems === 'number' && s.minItems > 0) out.push([]);
  if (Array.isArray(s.enum)) out.push('not-one-of-them', String(s.enum[0]).toUpperCase());
  if (s.type === 'integer') out.push(1.5, 2 ** 53 + 2, -(2 ** 63));
  if (s.type === 'number' || s.type === 'integer') out.push(1e308, -1e308, 5e-324);
  if (s.format) out.push('not-a-' + String(s.format), '2024-02-30T25:61:00Z');
  if (typeof s.pattern === 'string') out.push('!!', ' N1', 'N1 ', 'a'.repeat(300));
  return out.length ? out : [''];
}

/** A value wrong for the schema: wrong type, out of range, null, huge, nasty unicode, deeply nested. */
export function badValue(s: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...outOfRange(s)) },
    { weight: 3, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, true, 'text', [], {}, [1, 'a'], { a: 1 }) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: huge },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(16, 64, 200), fc.boolean()).map(([d, o]) => deeplyNested(d, o)),
    },
  );
}

/** A schema-shaped value with exactly one thing wrong somewhere inside it. */
export function mutatedValue(s: Schema, depth = 0): fc.Arbitrary<{ value: unknown; mutation: string }> {
  const tag = (m: string) => (value: unknown) => ({ value, mutation: m });
  const whole = badValue(s).map(tag('bad value'));
  if (depth > 4) return whole;
  const props = (s.properties as Record<string, Schema> | undefined) ?? {};
  const names = Object.keys(props);
  if (s.type === 'object' && names.length > 0) {
    const required = ((s.required as string[] | undefined) ?? []).filter((k) => k in props);
    const base = validValue(s) as fc.Arbitrary<Record<string, unknown>>;
    const options: fc.WeightedArbitrary<{ value: unknown; mutation: string }>[] = [
      { weight: 1, arbitrary: whole },
      {
        weight: 2,
        arbitrary: fc
          .tuple(base, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
          .map(([v, k, x]) => ({ value: { ...v, [`${k}_extra`]: x }, mutation: 'extra property' })),
      },
      {
        weight: 5,
        arbitrary: fc.constantFrom(...names).chain((k) =>
          fc.tuple(base, mutatedValue(props[k] as Schema, depth + 1)).map(([v, m]) => ({
            value: { ...v, [k]: m.value },
            mutation: `${k}: ${m.mutation}`,
          })),
        ),
      },
    ];
    if (required.length)
      options.push({
        weight: 2,
        arbitrary: fc.tuple(base, fc.constantFrom(...required)).map(([v, k]) => {
          const { [k]: _gone, ...rest } = v;
          return { value: rest, mutation: `missing ${k}` };
        }),
      });
    return fc.oneof(...options);
  }
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    const items = s.items as Schema;
    return fc.oneof(
      { weight: 1, arbitrary: whole },
      {
        weight: 3,
        arbitrary: fc
          .tuple(validValue(s) as fc.Arbitrary<unknown[]>, mutatedValue(items, depth + 1))
          .map(([v, m]) => ({ value: [...v, m.value], mutation: `item: ${m.mutation}` })),
      },
    );
  }
  return whole;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Percent-encodes anything, lone surrogates included (as the UTF-8 bytes Node would send). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
  }
}

const BAD_SEGMENTS = [
  '%00',
  '%',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  '%2e%2e',
  'a%20b',
  '%F0%9F%99%82',
  encode('\u202eN1'),
  'x'.repeat(5_000),
  'null',
  '-1',
  '00000000-0000-0000-0000-000000000000',
];

const BAD_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/jsonx',
  'a/b/c;;;=',
  'text/csv',
];

function encodeQuery(params: [string, unknown][]): string {
  if (params.length === 0) return '';
  return `?${params
    .map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&')}`;
}

interface Parts {
  path: string;
  query: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

function pathValue(name: string, schema: Schema, ctx: FuzzContext): fc.Arbitrary<string> {
  const known = ctx.known[name] ?? [];
  const generated = (validValue(schema) as fc.Arbitrary<unknown>).map((v) => encode(String(v)));
  return known.length
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...known.map(encode)) },
        { weight: 1, arbitrary: generated },
      )
    : generated;
}

function validParts(op: FuzzOperation, ctx: FuzzContext): fc.Arbitrary<Parts> {
  const path = fc
    .tuple(...op.pathParams.map((p) => pathValue(p.name, p.schema, ctx)))
    .map((values) =>
      op.pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i] as string), op.path),
    );
  const query = fc
    .tuple(
      ...op.queryParams.map((q) =>
        q.required
          ? validValue(q.schema).map((v) => [q.name, v] as [string, unknown])
          : fc.option(
              validValue(q.schema).map((v) => [q.name, v] as [string, unknown]),
              { nil: undefined },
            ),
      ),
    )
    .map((pairs) => encodeQuery(pairs.filter((p): p is [string, unknown] => p !== undefined)));
  const role = op.roles?.includes('admin')
    ? fc.constant('admin')
    : fc.constantFrom(...(op.roles ?? ['admin']));
  const headers = role.map((r) => ({ authorization: `Bearer ${ctx.keys.byRole[r]}` }));
  const payload = op.body ? validValue(op.body).map((v) => JSON.stringify(v)) : fc.constant(undefined);
  return fc
    .record({ path, query, headers, payload })
    .map((p) =>
      p.payload === undefined
        ? { path: p.path, query: p.query, headers: p.headers }
        : { ...p, headers: { ...p.headers, 'content-type': 'application/json' } },
    );
}

type Mutator = fc.Arbitrary<(p: Parts) => Parts & { mutation: string }>;

function mutators(
  op: FuzzOperation,
  ctx: FuzzContext,
): fc.WeightedArbitrary<(p: Parts) => Parts & { mutation: string }>[] {
  const list: fc.WeightedArbitrary<(p: Parts) => Parts & { mutation: string }>[] = [];
  const m = (weight: number, arbitrary: Mutator) => list.push({ weight, arbitrary });
  if (op.body) {
    const body = op.body;
    m(
      10,
      mutatedValue(body).map((v) => (p: Parts) => ({
        ...p,
        payload: JSON.stringify(v.value),
        mutation: `body ${v.mutation}`,
      })),
    );
    m(
      2,
      validValue(body).chain((v) => {
        const text = JSON.stringify(v);
        return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => (p: Parts) => ({
          ...p,
          payload: `${text.slice(0, cut)}${cut % 3 === 0 ? '}' : ''}`,
          mutation: 'malformed JSON',
        }));
      }),
    );
    m(
      1,
      fc
        .tuple(fc.constantFrom(1_000, 10_000, 100_000), fc.boolean())
        .map(([depth, object]) => (p: Parts) => ({
          ...p,
          payload: deeplyNestedText(depth, object),
          mutation: `body nested ${depth} deep`,
        })),
    );
    m(
      1,
      fc
        .constantFrom(
          '',
          'null',
          '[]',
          '"text"',
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
        )
        .map((payload) => (p: Parts) => ({ ...p, payload, mutation: `body ${payload || 'empty'}` })),
    );
    m(
      2,
      fc.constantFrom(...BAD_CONTENT_TYPES).map((type) => (p: Parts) => ({
        ...p,
        headers: { ...p.headers, 'content-type': type },
        mutation: `content-type ${type}`,
      })),
    );
  } else {
    m(
      1,
      fc.jsonValue({ maxDepth: 2 }).map((v) => (p: Parts) => ({
        ...p,
        headers: { ...p.headers, 'content-type': 'application/json' },
        payload: JSON.stringify(v),
        mutation: 'unexpected body',
      })),
    );
  }
  m(
    2,
    fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => (p: Parts) => ({
      ...p,
      headers: { ...p.headers, 'content-type': 'application/json' },
      payload: Buffer.from(bytes),
      mutation: 'random bytes',
    })),
  );
  if (op.pathParams.length) {
    m(
      3,
      fc
        .tuple(
          fc.constantFrom(...op.pathParams),
          fc.oneof(
            fc.constantFrom(...BAD_SEGMENTS),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encode),
          ),
        )
        .map(([param, bad]) => (p: Parts) => {
          // Rebuild the path with the one bad segment in place of the parameter's value.
          const segments = op.path.split('/');
          const index = segments.indexOf(`{${param.name}}`);
          const actual = p.path.split('/');
          actual[index] = bad;
          return { ...p, path: actual.join('/'), mutation: `path ${param.name}` };
        }),
    );
  }
  const queryMutation = fc.oneof(
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string())
      .map(([k, v]) => `${encode(`${k}_x`)}=${encode(v)}`),
    ...(op.queryParams.length
      ? [
          fc
            .tuple(
              fc.constantFrom(...op.queryParams),
              badValue({}).filter((v) => JSON.stringify(v)?.length < 20_000),
            )
            .map(([q, v]) => `${encode(q.name)}=${encode(typeof v === 'string' ? v : JSON.stringify(v))}`),
          fc.constantFrom(...op.queryParams).map((q) => `${q.name}=1&${q.name}=2&${q.name}=`),
        ]
      : []),
    fc.constantFrom('%', '%E0%A4%A=1', '=&=&', 'a[b][c]=1', '__proto__=x', '&&&', `q=${'z'.repeat(9_000)}`),
  );
  m(
    3,
    queryMutation.map((q) => (p: Parts) => ({
      ...p,
      query: p.query ? `${p.query}&${q}` : `?${q}`,
      mutation: 'query',
    })),
  );
  if (op.roles) {
    const k = ctx.keys;
    const others = Object.entries(k.byRole).filter(([role]) => !op.roles?.includes(role));
    m(
      3,
      fc
        .constantFrom<[string, Record<string, string>]>(
          ['no key', {}],
          ['empty bearer', { authorization: 'Bearer ' }],
          ['basic auth', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
          ['unknown key', { authorization: 'Bearer og_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
          ['revoked key', { authorization: `Bearer ${k.revoked}` }],
          ['expired key', { authorization: `Bearer ${k.expired}` }],
          ['unknown x-api-key', { 'x-api-key': 'og_nope' }],
          ['bearer with nasty bytes', { authorization: `Bearer og_${'\u00ff'.repeat(10)}` }],
          ['long key', { authorization: `Bearer og_${'k'.repeat(8_000)}` }],
          ...others.map(([role, key]): [string, Record<string, string>] => [
            `${role} key`,
            { authorization: `Bearer ${key}` },
          ]),
        )
        .map(([name, auth]) => (p: Parts) => {
          const { authorization: _a, ...rest } = p.headers;
          return { ...p, headers: { ...rest, ...auth }, mutation: `auth: ${name}` };
        }),
    );
  }
  return list;
}

const perOperation = new WeakMap<FuzzOperation, fc.Arbitrary<FuzzRequest>>();

/** Requests for one operation: about one in ten valid, the rest wrong in one way. */
export function requestArbitrary(op: FuzzOperation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const hit = perOperation.get(op);
  if (hit) return hit;
  const valid = validParts(op, ctx);
  const unchecked = (mutation: string) =>
    mutation === 'valid' ||
    mutation === 'unexpected body' ||
    (mutation === 'random bytes' && !op.body) ||
    (mutation === 'query' && op.queryParams.length === 0);
  const toRequest = (p: Parts, mutation: string): FuzzRequest => ({
    label: op.label,
    method: op.method,
    url: `${p.path}${p.query}`,
    headers: p.headers,
    ...(p.payload !== undefined ? { payload: p.payload } : {}),
    mutation,
    mayBeAccepted: unchecked(mutation),
  });
  const arb = fc.oneof(
    { weight: 1, arbitrary: valid.map((p) => toRequest(p, 'valid')) },
    {
      weight: 9,
      arbitrary: fc.tuple(valid, fc.oneof(...mutators(op, ctx))).map(([p, mutate]) => {
        const out = mutate(p);
        return toRequest(out, out.mutation);
      }),
    },
  );
  perOperation.set(op, arb);
  return arb;
}

/** `count` requests spread evenly over every operation, reproducible from `seed`. */
export function sampleRequests(
  ops: FuzzOperation[],
  ctx: FuzzContext,
  count: number,
  seed: number,
): FuzzRequest[] {
  const perOp = Math.ceil(count / ops.length);
  const all: FuzzRequest[] = [];
  ops.forEach((op, i) => {
    all.push(...fc.sample(requestArbitrary(op, ctx), { numRuns: perOp, seed: seed + i }));
  });
  // Interleave routes so a batch mixes them, deterministically.
  const order = fc.sample(fc.integer(), { numRuns: all.length, seed });
  return all
    .map((r, i) => ({ r, k: order[i] as number }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.r)
    .slice(0, count);
}
