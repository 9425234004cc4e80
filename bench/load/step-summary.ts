import { quantile } from '../harness/bench-context.ts';
import type { CpuUse } from './cpu-sampler.ts';
import type { ClientResult } from './load-client.ts';
import { ENDPOINTS, type Endpoint } from './workload.ts';

export const P99_LIMIT_MS = 100;

export interface EndpointSummary {
  endpoint: Endpoint | 'overall';
  requests: number;
  perS: number;
  errors: number;
  expected: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers other than 2xx by status (0 = socket error or timeout), e.g. "503×4 0×1". */
  failures: string;
}

export interface StepSummary {
  rate: number;
  seconds: number;
  endpoints: EndpointSummary[];
  overall: EndpointSummary;
  orders: number;
  lookups: number;
  cpu: CpuUse;
  /** Held: every request sent, no errors, and p99 under the limit on every endpoint that ran. */
  held: boolean;
  /** Requests not sent because the backlog passed a second's worth (an overloaded step). */
  abandoned: number;
  worst: EndpointSummary;
}

const round = (v: number) => Math.round(v * 10) / 10;

function failures(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}

function merged(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const statuses of all) for (const [k, n] of Object.entries(statuses)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function summarise(
  endpoint: EndpointSummary['endpoint'],
  latencies: number[],
  errors: number,
  expected: number,
  seconds: number,
  statuses: Record<string, number> = {},
): EndpointSummary {
  const q = (p: number) => (latencies.length ? round(quantile(latencies, p)) : 0);
  return {
    endpoint,
    requests: latencies.length,
    perS: round(latencies.length / seconds),
    errors,
    expected,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    failures: failures(statuses),
  };
}

export function summariseStep(result: ClientResult, cpu: CpuUse): StepSummary {
  const seconds = result.seconds;
  const endpoints = ENDPOINTS.map((e) => {
    const s = result.endpoints[e];
    return summarise(e, s.latencies, s.errors, s.expected, seconds, s.statuses);
  }).filter((e) => e.requests > 0);
  const all = ENDPOINTS.flatMap((e) => result.endpoints[e].latencies);
  const overall = summarise(
    'overall',
    all,
    endpoints.reduce((s, e) => s + e.errors, 0),
    endpoints.reduce((s, e) => s + e.expected, 0),
    seconds,
    merged(ENDPOINTS.map((e) => result.endpoints[e].statuses)),
  );
  const worst = endpoints.reduce((w, e) => (e.p99 > w.p99 ? e : w), endpoints[0] ?? overall);
  return {
    rate: result.rate,
    seconds,
    endpoints,
    overall,
    orders: result.endpoints.order.statuses['201'] ?? 0,
    lookups: result.endpoints.availability.latencies.length,
    cpu,
    held: result.abandoned === 0 && overall.errors === 0 && endpoints.every((e) => e.p99 < P99_LIMIT_MS),
    abandoned: result.abandoned,
    worst,
  };
}

/** One line per step for the progress log. */
export function stepLine(s: StepSummary): string {
  const cores = (ms: number | null) => (ms === null ? 'n/a' : (ms / s.cpu.wallMs).toFixed(2));
  return [
    `${String(Math.round(s.rate)).padStart(6)} req/s`,
    `(${(s.orders / s.seconds).toFixed(1)} orders/s)`,
    `p99 ${s.overall.p99} ms, worst ${s.worst.endpoint} ${s.worst.p99} ms,`,
    `errors ${s.overall.errors}${s.overall.failures ? ` (${s.overall.failures})` : ''}; CPU cores: app ${cores(s.cpu.appMs)}, db ${cores(s.cpu.dbMs)}, client ${cores(s.cpu.clientMs)};`,
    s.abandoned ? `overloaded: ${s.abandoned} requests not sent,` : '',
    s.held ? 'HELD' : 'not held',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The per-endpoint table of one step. */
export function endpointTable(s: StepSummary): string {
  const header = ['endpoint', 'requests', 'per s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'not 2xx'];
  const rows = [...s.endpoints, s.overall].map((e) =>
    [e.endpoint, e.requests, e.perS, e.errors, e.p50, e.p95, e.p99, e.failures].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
