import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * The HTTP load generator, run as its own process (`node --import tsx load-client.ts '<json>'`) so
 * that it does not share an event loop with the bench, and prints one JSON line with the result.
 */
export interface LoadOptions {
  url: string;
  paths: string[];
  connections: number;
  pipelining: number;
  seconds: number;
  headers: Record<string, string>;
  /** 'wrk' (a C load generator, when installed: far less client CPU per request) or 'autocannon'. */
  tool?: 'wrk' | 'autocannon';
}

export interface LoadResult {
  total: number;
  duration: number;
  non2xx: number;
  errors: number;
  p99: number;
  /** The client's own CPU time per request (user + system), in µs: it shares the cores with the server. */
  clientCpuUs: number;
  /** The load generator that produced the figures. */
  tool: 'wrk' | 'autocannon';
}

const WRK = '/usr/bin/wrk';

/** Whether wrk can be used for these options (installed; it does not pipeline without a script). */
export function wrkUsable(options: Pick<LoadOptions, 'pipelining'>): boolean {
  return options.pipelining === 1 && existsSync(WRK);
}

function millis(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** One wrk thread (one core at most), the paths cycled by a Lua script; CPU from the shell's `times`. */
function runWrk(o: LoadOptions): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 'og-wrk-'));
  try {
    const script = join(dir, 'paths.lua');
    writeFileSync(
      script,
      `local paths = { ${o.paths.map((p) => JSON.stringify(p)).join(', ')} }\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`,
    );
    const headers = Object.entries(o.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const args = [
      '-t1',
      `-c${o.connections}`,
      `-d${o.seconds}s`,
      '--latency',
      '-s',
      script,
      ...headers,
      o.url,
    ];
    const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const run = spawnSync('bash', ['-c', `${WRK} ${quoted}; times`], { encoding: 'utf8' });
    const out = run.stdout;
    const total = Number(/(\d+) requests in ([\d.]+)(ms|s)/.exec(out)?.[1] ?? 0);
    const duration = millis(/requests in ([\d.]+(?:ms|s))/.exec(out)?.[1] ?? '0s') / 1000;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    const p99 = millis(/\s99%\s+(\S+)/.exec(out)?.[1] ?? 'NaNms');
    // `times`: the shell's own user/system line, then its children's (wrk).
    const lines = out.trim().split('\n');
    const child = (lines.at(-1) ?? '').split(/\s+/).map((t) => {
      const m = /(\d+)m([\d.]+)s/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
    });
    if (total === 0) throw new Error(`wrk produced no result: ${out} ${run.stderr}`);
    return {
      total,
      duration,
      non2xx,
      errors,
      p99,
      clientCpuUs: (((child[0] ?? 0) + (child[1] ?? 0)) * 1e6) / total,
      tool: 'wrk',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
if (options.tool === 'wrk') {
  process.stdout.write(`${JSON.stringify(runWrk(options))}\n`);
  process.exit(0);
}
const cpuBefore = process.cpuUsage();
const result = await autocannon({
  connections: options.connections,
  pipelining: options.pipelining,
  duration: options.seconds,
  headers: options.headers,
  // One path: a plain URL (autocannon's cheapest client path); several: cycled per request.
  ...(options.paths.length === 1
    ? { url: `${options.url}${options.paths[0]}` }
    : { url: options.url, requests: options.paths.map((path) => ({ method: 'GET' as const, path })) }),
});
const cpu = process.cpuUsage(cpuBefore);
const out: LoadResult = {
  total: result.requests.total,
  duration: result.duration,
  non2xx: result.non2xx,
  errors: result.errors,
  p99: result.latency.p99,
  clientCpuUs: (cpu.user + cpu.system) / Math.max(result.requests.total, 1),
  tool: 'autocannon',
};
process.stdout.write(`${JSON.stringify(out)}\n`);
