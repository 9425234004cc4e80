import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';
import { errorCodes } from '../../src/platform/errors/error-codes.ts';
import type { FuzzRequest } from './openapi-arbitraries.ts';

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface RouteTally {
  sent: number;
  s2xx: number;
  s4xx: number;
  s5xx: number;
  other: number;
}

export interface CampaignReport {
  sent: number;
  perRoute: Map<string, RouteTally>;
  /** Oracle violations: a 5xx, a 4xx that is not a registered problem, a transport failure. */
  failures: string[];
  /** Batches of rejected requests after which the database digest differed. */
  stateChanges: string[];
  /** Rejected requests whose batch was checked for state changes (all of it was rejected). */
  rejectedChecked: number;
  /** Rejected requests in batches that also held an accepted request (not attributable). */
  rejectedUnchecked: number;
  elapsedMs: number;
}

export function describeRequest(r: FuzzRequest): string {
  const payload =
    r.payload === undefined
      ? ''
      : ` payload=${JSON.stringify(Buffer.isBuffer(r.payload) ? `base64:${r.payload.toString('base64')}` : r.payload).slice(0, 300)}`;
  return `${r.method} ${r.url.slice(0, 300)} [${r.mutation}] headers=${JSON.stringify(r.headers).slice(0, 200)}${payload}`;
}

/** The oracle for one response; returns what is wrong with it, or null. */
export function checkResponse(r: FuzzRequest, res: FuzzResponse): string | null {
  if (res.status >= 500) return `${res.status} for ${describeRequest(r)}: ${res.body.slice(0, 300)}`;
  if (res.status >= 400) {
    if (!res.contentType.includes('application/problem+json'))
      return `${res.status} without problem+json (${res.contentType}) for ${describeRequest(r)}`;
    let code: unknown;
    try {
      code = (JSON.parse(res.body) as { code?: unknown }).code;
    } catch {
      return `${res.status} with an unparseable problem body for ${describeRequest(r)}`;
    }
    const spec = errorCodes[code as keyof typeof errorCodes];
    if (!spec) return `${res.status} with unregistered code ${String(code)} for ${describeRequest(r)}`;
    if (spec.status !== res.status)
      return `${res.status} with code ${String(code)} (registered as ${spec.status})`;
  }
  return null;
}

/**
 * One digest of all application state, in one round trip: every row of every table of the public
 * schema (domain tables, the outbox, keys). Only `api_keys.last_used_at` is left out: it is a
 * best-effort usage stamp written after authentication, even for requests refused later.
 * Why a row digest and not a transaction counter: xids and pg_stat counters are shared with other
 * databases and sessions (other tests run on the same server), count rolled-back work, and are
 * flushed late; a digest of the rows is exactly "nothing changed", and it is cheap at fuzz sizes.
 */
export async function stateDigestQuery(db: Db): Promise<() => Promise<string>> {
  const { rows } = await sql<{ table_name: string; columns: string[] }>`
    SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'kysely_%'
      AND NOT (c.table_name = 'api_keys' AND c.column_name = 'last_used_at')
    GROUP BY c.table_name ORDER BY c.table_name`.execute(db);
  const parts = rows.map(({ table_name, columns }) => {
    const row = sql.join(columns.map((c) => sql.ref(`t.${c}`)));
    return sql`(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM (SELECT ROW(${row}) AS r FROM ${sql.table(table_name)} t) x)`;
  });
  const query = sql<{ digest: string }>`SELECT md5(concat_ws(',', ${sql.join(parts)})) AS digest`;
  return async () => (await query.execute(db)).rows[0]?.digest ?? '';
}

export interface CampaignOptions {
  requests: FuzzRequest[];
  send(request: FuzzRequest): Promise<FuzzResponse>;
  digest(): Promise<string>;
  /** Requests sent together; a batch is checked for state changes when all of it was rejected. */
  batchSize?: number;
  /** Stop after this many oracle violations (the report lists them). */
  maxFailures?: number;
  onProgress?(sent: number): void;
}

/**
 * Sends the requests in batches and applies the oracles. A state change is attributed only to a
 * batch in which every request was rejected (4xx): accepted requests legitimately change state, so
 * they are sent in batches of their own (`mayBeAccepted`) and the digest is re-taken after them.
 */
export async function runCampaign(opts: CampaignOptions): Promise<CampaignReport> {
  const batchSize = opts.batchSize ?? 16;
  const maxFailures = opts.maxFailures ?? 20;
  const started = performance.now();
  const report: CampaignReport = {
    sent: 0,
    perRoute: new Map(),
    failures: [],
    stateChanges: [],
    rejectedChecked: 0,
    rejectedUnchecked: 0,
    elapsedMs: 0,
  };
  // Requests that may be accepted go in batches of their own: they may change state.
  const valid = opts.requests.filter((r) => r.mayBeAccepted);
  const mutated = opts.requests.filter((r) => !r.mayBeAccepted);
  // About as many valid batches as there are valid requests per mutated batch, spread evenly.
  const validPerBatch = Math.max(1, Math.ceil((valid.length * batchSize) / Math.max(1, mutated.length)));
  const batches: FuzzRequest[][] = [];
  for (let i = 0, v = 0; i < mutated.length || v < valid.length; i += batchSize, v += validPerBatch) {
    if (i < mutated.length) batches.push(mutated.slice(i, i + batchSize));
    if (v < valid.length) batches.push(valid.slice(v, v + validPerBatch));
  }

  let before = await opts.digest();
  for (const batch of batches) {
    const responses = await Promise.all(
      batch.map(async (r) => {
        try {
          return await opts.send(r);
        } catch (err) {
          return { status: 599, contentType: '', body: `transport error: ${(err as Error).message}` };
        }
      }),
    );
    let allRejected = true;
    responses.forEach((res, i) => {
      const r = batch[i] as FuzzRequest;
      report.sent++;
      const tally = report.perRoute.get(r.label) ?? { sent: 0, s2xx: 0, s4xx: 0, s5xx: 0, other: 0 };
      tally.sent++;
      if (res.status >= 500) tally.s5xx++;
      else if (res.status >= 400) tally.s4xx++;
      else if (res.status >= 200 && res.status < 300) tally.s2xx++;
      else tally.other++;
      report.perRoute.set(r.label, tally);
      if (res.status < 400 || res.status >= 500) allRejected = false;
      const problem = checkResponse(r, res);
      if (problem && report.failures.length < maxFailures) report.failures.push(problem);
    });
    const after = await opts.digest();
    if (allRejected) {
      report.rejectedChecked += batch.length;
      if (after !== before)
        report.stateChanges.push(
          `state changed after a batch of rejected requests:\n  ${batch.map(describeRequest).join('\n  ')}`,
        );
    } else {
      report.rejectedUnchecked += responses.filter((r) => r.status >= 400 && r.status < 500).length;
    }
    before = after;
    opts.onProgress?.(report.sent);
    if (report.failures.length >= maxFailures) break;
  }
  report.elapsedMs = performance.now() - started;
  return report;
}
