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
}

export interface LoadResult {
  total: number;
  duration: number;
  non2xx: number;
  errors: number;
  p99: number;
  /** The client's own CPU time per request (user + system), in µs: it shares the cores with the server. */
  clientCpuUs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
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
};
process.stdout.write(`${JSON.stringify(out)}\n`);
