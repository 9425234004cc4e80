import type { CallResult, ClusterServer, ServerCluster } from './server-cluster.ts';

/** Deterministic pseudo-random numbers (a failing run can be replayed from its seed). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LoadWorld {
  runId: string;
  /** Nodes whose work is done by the node clients (accept, pack, ship). */
  workedNodes: string[];
  /** Nodes that receive receipts. */
  receiptNodes: string[];
  /** The node whose stock only comes from counts (no receipts race them). */
  countNode: string;
  skus: string[];
}

/** What the clients saw. Only a 2xx answer counts as acknowledged. */
export class LoadStats {
  requests = 0;
  readonly errors: Record<string, number> = {};
  /** externalId → the order ids answered with a 2xx (one, unless an order was duplicated). */
  readonly acknowledged = new Map<string, Set<string>>();
  /** externalIds whose every attempt failed: they may or may not exist, both are correct. */
  readonly unacknowledged = new Set<string>();
  resubmits = 0;
  receipts = 0;
  counts = 0;
  foActions = 0;
  /** The body of the last 4xx, for the message of a setup step that fails. */
  lastProblem: unknown;
  /** Requests in flight per process (the kill loop prefers a busy victim). */
  readonly inflight = new Map<ClusterServer, number>();

  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }
}

type Outcome = { ok: true; res: CallResult<Record<string, unknown>> } | { ok: false; kind: string };

/**
 * Calls a random live process; a connection error, timeout or 503 is retried on another one
 * after a short backoff (every write here is idempotent, as a real integration's retry must be).
 */
export class LoadClient {
  constructor(
    private readonly cluster: ServerCluster,
    readonly stats: LoadStats,
    readonly random: () => number,
  ) {}

  pick(): ClusterServer | undefined {
    const up = this.cluster.servers.filter((s) => s.up);
    return up[Math.floor(this.random() * up.length)];
  }

  private async once(method: string, path: string, body?: unknown): Promise<Outcome> {
    const server = this.pick();
    if (!server) return { ok: false, kind: 'no-process-up' };
    this.stats.requests++;
    this.stats.inflight.set(server, (this.stats.inflight.get(server) ?? 0) + 1);
    try {
      const res = await this.cluster.call<Record<string, unknown>>(server, method, path, body, {
        timeoutMs: 20_000,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, res };
      const code = typeof res.json?.code === 'string' ? `:${res.json.code}` : '';
      if (res.status < 500) this.stats.lastProblem = res.json;
      return { ok: false, kind: `http-${res.status}${code}` };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { ok: false, kind: e.code ?? e.message };
    } finally {
      this.stats.inflight.set(server, (this.stats.inflight.get(server) ?? 1) - 1);
    }
  }

  /** Retries what a client should retry; returns the 2xx answer, or undefined after `attempts`. */
  async send(
    method: string,
    path: string,
    body?: unknown,
    attempts = 8,
  ): Promise<CallResult<Record<string, unknown>> | undefined> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.once(method, path, body);
      if (out.ok) return out.res;
      this.stats.error(out.kind);
      const retry = !out.kind.startsWith('http-') || out.kind.startsWith('http-503');
      if (!retry || attempt >= attempts) return undefined;
      await sleep(100 + this.random() * 200 * attempt);
    }
  }
}

function orderBody(world: LoadWorld, random: () => number, n: number) {
  const count = 1 + Math.floor(random() * 2);
  const skus = new Set<string>();
  while (skus.size < count) skus.add(world.skus[Math.floor(random() * world.skus.length)]!);
  return {
    channel: 'web',
    externalId: `${world.runId}-${n}`,
    customer: { id: `c${n % 97}` },
    destination: { lat: 27 + random() * 19, lon: -121 + random() * 46 },
    lines: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 2), price: 12.5 })),
  };
}

/** Orders, one in five resubmitted (at once to another process, or later), until `stop`. */
export async function orderClient(
  client: LoadClient,
  world: LoadWorld,
  next: () => number,
  stop: { stopped: boolean },
): Promise<void> {
  const { stats, random } = client;
  const ack = (externalId: string, res: CallResult<Record<string, unknown>> | undefined) => {
    if (!res) return false;
    const set = stats.acknowledged.get(externalId) ?? new Set<string>();
    set.add(String(res.json.id));
    stats.acknowledged.set(externalId, set);
    return true;
  };
  while (!stop.stopped) {
    // Steady load rather than saturation: restarts must not starve behind the clients.
    await sleep(20 + random() * 40);
    const body = orderBody(world, random, next());
    const r = random();
    if (r < 0.1) {
      stats.resubmits++;
      const both = await Promise.all([1, 2].map(() => client.send('POST', '/v1/orders', body)));
      const acked = both.map((res) => ack(body.externalId, res));
      if (!acked.some(Boolean)) stats.unacknowledged.add(body.externalId);
    } else {
      if (!ack(body.externalId, await client.send('POST', '/v1/orders', body))) {
        stats.unacknowledged.add(body.externalId);
      } else if (r < 0.2) {
        stats.resubmits++;
        await sleep(random() * 500);
        ack(body.externalId, await client.send('POST', '/v1/orders', body));
      }
    }
    if (stats.acknowledged.has(body.externalId)) stats.unacknowledged.delete(body.externalId);
  }
}

/** Receipts (some sent twice: applied once) and counts that find a unit or two. */
export async function feedClient(
  client: LoadClient,
  world: LoadWorld,
  stop: { stopped: boolean },
): Promise<void> {
  const { stats, random } = client;
  let n = 0;
  while (!stop.stopped) {
    await sleep(100 + random() * 200);
    n++;
    if (n % 4 === 0) {
      // A count read-then-sent by the only writer of this node's supply: it never lowers on hand.
      const sku = world.skus[Math.floor(random() * world.skus.length)]!;
      const pos = await client.send('GET', `/v1/inventory/${world.countNode}/${sku}`);
      if (!pos) continue;
      const count = {
        nodeId: world.countNode,
        sku,
        quantity: Number(pos.json.onHand) + 1 + Math.floor(random() * 2),
        countedAt: new Date().toISOString(),
        source: 'crash-count',
        sourceId: `${world.runId}-count-${n}`,
      };
      if (await client.send('POST', '/v1/inventory/counts', count)) stats.counts++;
      continue;
    }
    const receipt = {
      kind: 'receipt',
      nodeId: world.receiptNodes[Math.floor(random() * world.receiptNodes.length)]!,
      sku: world.skus[Math.floor(random() * world.skus.length)]!,
      quantity: 2 + Math.floor(random() * 4),
      source: 'crash-receipts',
      sourceId: `${world.runId}-receipt-${n}`,
      asOf: new Date().toISOString(),
    };
    if (await client.send('POST', '/v1/inventory/adjustments', receipt)) stats.receipts++;
    if (random() < 0.1) await client.send('POST', '/v1/inventory/adjustments', receipt);
  }
}

/** A node's associate: accepts released work, packs and ships most of it, leaves some accepted. */
export async function nodeWorkClient(
  client: LoadClient,
  world: LoadWorld,
  stop: { stopped: boolean },
): Promise<void> {
  const { stats, random } = client;
  const step = async (id: string, action: string, body: unknown = {}) => {
    const res = await client.send('POST', `/v1/fulfilment-orders/${id}/${action}`, body, 3);
    if (res) stats.foActions++;
    return res !== undefined;
  };
  while (!stop.stopped) {
    await sleep(200 + random() * 300);
    const node = world.workedNodes[Math.floor(random() * world.workedNodes.length)]!;
    const queue = await client.send('GET', `/v1/nodes/${node}/fulfilment-orders?status=released&limit=20`);
    const items = (queue?.json.items ?? []) as { id: string }[];
    for (const fo of items) {
      if (stop.stopped) return;
      if (!(await step(fo.id, 'accept'))) continue;
      if (random() < 0.25) continue;
      if (!(await step(fo.id, 'pack'))) continue;
      await step(fo.id, 'ship', { carrier: 'UPS', trackingNumber: `1Z${fo.id.slice(0, 8)}` });
    }
  }
}
