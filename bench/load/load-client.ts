import http from 'node:http';
import { ENDPOINTS, type Endpoint, type PlannedRequest, Workload } from './workload.ts';

/**
 * The load generator, run as its own process (forked by the load bench) so its event loop and CPU
 * are apart from the bench's and the servers'. Open loop: request k of a step is due at
 * start + k / rate whether or not earlier ones have answered, and its latency is measured from
 * that due time, so time spent queued (in the client's socket pool or the server) counts.
 */
export interface ClientInit {
  type: 'init';
  baseUrls: string[];
  adminKey: string;
  prefix: string;
  /** Sockets per instance; the client never opens more (requests beyond wait, and that wait counts). */
  sockets: number;
}
export interface ClientRun {
  type: 'run';
  rate: number;
  seconds: number;
  /** One endpoint alone (to price it), instead of the mix. */
  only?: Endpoint;
}
export interface EndpointSamples {
  latencies: number[];
  errors: number;
  /** Expected non-2xx outcomes (409 on node work whose fulfilment order moved on). */
  expected: number;
  statuses: Record<string, number>;
}
export interface ClientResult {
  type: 'result';
  rate: number;
  seconds: number;
  issued: number;
  endpoints: Record<Endpoint, EndpointSamples>;
  /** Greatest delay between a request's due time and its dispatch by this client (its own lag). */
  maxDispatchLagMs: number;
  /** Requests never sent: the step stopped once a second's worth of requests was waiting. */
  abandoned: number;
}

const TIMEOUT_MS = 30_000;

class LoadClient {
  private readonly workload: Workload;
  private readonly agents: http.Agent[];
  private turn = 0;

  constructor(private readonly init: ClientInit) {
    this.workload = new Workload(init.prefix);
    this.agents = init.baseUrls.map(() => new http.Agent({ keepAlive: true, maxSockets: init.sockets }));
  }

  async run({ rate, seconds, only }: ClientRun): Promise<ClientResult> {
    const endpoints = Object.fromEntries(
      ENDPOINTS.map((e) => [e, { latencies: [], errors: 0, expected: 0, statuses: {} }]),
    ) as unknown as Record<Endpoint, EndpointSamples>;
    const total = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const start = performance.now() + 5;
    const inFlight = new Set<Promise<void>>();
    let issued = 0;
    let maxLag = 0;
    // More than a second of arrivals outstanding: p99 is far past any target, so stop early
    // rather than queue minutes of requests (the step counts as not held).
    const backlog = Math.max(200, rate);
    while (issued < total && inFlight.size <= backlog) {
      const now = performance.now();
      while (issued < total && start + issued * interval <= now) {
        const due = start + issued * interval;
        maxLag = Math.max(maxLag, now - due);
        const p = this.send(this.workload.plan(only), due, endpoints);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        issued++;
      }
      const wait = start + issued * interval - performance.now();
      await new Promise((r) => (wait > 1 ? setTimeout(r, Math.min(wait, 5)) : setImmediate(r)));
    }
    await Promise.all(inFlight);
    return {
      type: 'result',
      rate,
      seconds,
      issued,
      endpoints,
      maxDispatchLagMs: maxLag,
      abandoned: total - issued,
    };
  }

  /** One request to the next instance in turn (as a round-robin load balancer would). */
  private send(req: PlannedRequest, due: number, into: Record<Endpoint, EndpointSamples>): Promise<void> {
    const i = this.turn++ % this.init.baseUrls.length;
    const url = new URL(req.path, this.init.baseUrls[i]);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const samples = into[req.endpoint];
    return new Promise((resolve) => {
      let finished = false;
      const done = (status: number, text: string) => {
        if (finished) return;
        finished = true;
        samples.latencies.push(performance.now() - due);
        samples.statuses[status] = (samples.statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) {
          try {
            req.onOk?.(text ? JSON.parse(text) : null);
          } catch {
            samples.errors++;
          }
        } else if (req.expected?.includes(status)) samples.expected++;
        else samples.errors++;
        resolve();
      };
      const r = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: url.pathname + url.search,
          agent: this.agents[i],
          timeout: TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.init.adminKey}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', () => done(0, ''));
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', () => done(0, ''));
      if (payload) r.write(payload);
      r.end();
    });
  }

  close(): void {
    for (const a of this.agents) a.destroy();
  }
}

let client: LoadClient | undefined;
process.on('message', (message: ClientInit | ClientRun | { type: 'close' }) => {
  if (message.type === 'init') client = new LoadClient(message);
  else if (message.type === 'close') {
    client?.close();
    process.disconnect();
  } else if (client)
    void client.run(message).then(
      (result) => process.send?.(result),
      (err: unknown) => process.send?.({ type: 'error', message: String(err) }),
    );
});
