import http from 'node:http';
import { quantile } from '../harness/bench-context.ts';

export interface OpenLoopOptions {
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  /** Requests per second, sent on a fixed schedule whatever the answers do. */
  rate: number;
  seconds: number;
  body: (n: number) => string;
  /** Sockets the client may open; a request finding none free waits, and that wait counts. */
  maxSockets?: number;
}

export interface OpenLoopResult {
  sent: number;
  errors: number;
  /** Answers per second over the whole run (below `rate` when the server fell behind). */
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * An open-loop (fixed-rate) client: request i is due at start + i / rate and its latency is
 * measured from that due time to the end of the answer, so time spent queueing — in the client
 * waiting for a socket, in the kernel, in the server — is counted (no coordinated omission, unlike
 * a closed-loop client that only sends when a previous answer came back).
 */
export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 256 });
  const url = new URL(o.path, o.baseUrl);
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const send = (n: number, due: number) =>
    new Promise<void>((resolve) => {
      const payload = o.body(n);
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { ...o.headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 500) >= 300) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        latencies.push(performance.now() - due);
        resolve();
      });
      req.end(payload);
    });
  const start = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out (a late timer does not shift the schedule).
      while (next < total && start + next * interval <= now) {
        inflight.push(send(next, start + next * interval));
        next++;
      }
      if (next >= total) done();
      else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    sent: total,
    errors,
    rps: total / elapsed,
    p50: Number(quantile(latencies, 0.5).toFixed(1)),
    p99: Number(quantile(latencies, 0.99).toFixed(1)),
    max: Number(Math.max(...latencies).toFixed(1)),
  };
}
