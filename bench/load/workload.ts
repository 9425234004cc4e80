import { generateDemoNetwork } from '../../src/network/demo-network.ts';
import { type SeededRandom, seededRandom } from '../../src/network/seeded-random.ts';

/** The endpoints the load mix drives, as reported. */
export const ENDPOINTS = [
  'availability',
  'options',
  'order',
  'order-read',
  'node-work',
  'node-update',
  'feed-delta',
  'feed-count',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/**
 * Requests per captured order (availability at 20:1, as product and cart pages ask far more often
 * than shoppers buy). Node work is accept, pack and ship on half of the fulfilment orders.
 */
export const MIX: Readonly<Record<Endpoint, number>> = {
  availability: 20,
  options: 2,
  order: 1,
  'order-read': 1,
  'node-work': 1.5,
  'node-update': 0.1,
  'feed-delta': 0.4,
  'feed-count': 0.1,
};
export const REQUESTS_PER_ORDER = Object.values(MIX).reduce((s, w) => s + w, 0);

export interface PlannedRequest {
  endpoint: Endpoint;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** Called with the JSON of a 2xx answer (to learn ids for later requests). */
  onOk?: (json: unknown) => void;
  /** Statuses that are an expected outcome of a realistic mix, counted apart from errors. */
  expected?: number[];
}

interface FoRef {
  id: string;
  status: string;
}

const NODE_WORK = ['accept', 'pack', 'ship'] as const;

/**
 * The realistic mix over the demo network: skewed sku popularity, shoppers in the metros the stores
 * serve, ZIPs and coordinates, one to three lines. Stateful: node work and order reads use the ids
 * earlier answers returned, so they act on real, recent fulfilment orders.
 */
export class Workload {
  private readonly rnd: SeededRandom;
  private readonly skus: string[];
  private readonly metros: { lat: number; lon: number; zip: string | undefined }[];
  private readonly stores: string[];
  private readonly nodes: string[];
  private readonly deck: Endpoint[];
  private readonly paused = new Set<string>();
  private readonly orders: string[] = [];
  /** Fulfilment orders waiting for their next step, newest last (taken newest first). */
  private readonly queues: Record<(typeof NODE_WORK)[number], string[]> = { accept: [], pack: [], ship: [] };
  private next = 0;
  private seq = 0;
  private readonly builders: Record<Endpoint, () => PlannedRequest> = {
    availability: () => this.availability(),
    options: () => this.options(),
    order: () => this.order(),
    'order-read': () => this.orderRead(),
    'node-work': () => this.nodeWork(),
    'node-update': () => this.nodeUpdate(),
    'feed-delta': () => this.feedDelta(),
    'feed-count': () => this.feedCount(),
  };

  constructor(
    private readonly prefix: string,
    seed = 7,
  ) {
    this.rnd = seededRandom(seed);
    const demo = generateDemoNetwork(42);
    const stocked = [...new Set(demo.stock.filter((s) => s.onHand > 0).map((s) => s.sku))];
    // A fixed shuffle, then a skew towards the front: a few best sellers, a long tail.
    this.skus = stocked
      .map((sku) => ({ sku, k: this.rnd.next() }))
      .sort((a, b) => a.k - b.k)
      .map((s) => s.sku);
    this.metros = demo.nodes.map((n) => ({ lat: n.lat, lon: n.lon, zip: n.address?.postalCode }));
    this.stores = demo.nodes.filter((n) => n.kind === 'store').map((n) => n.id);
    this.nodes = demo.nodes.map((n) => n.id);
    this.deck = buildDeck(this.rnd);
  }

  /** The next request of the mix, or of one endpoint only (the mix decides; state picks the target). */
  plan(only?: Endpoint): PlannedRequest {
    const endpoint = only ?? this.deck[this.next++ % this.deck.length]!;
    return this.builders[endpoint]();
  }

  private sku(): string {
    const r = this.rnd.next();
    return this.skus[Math.floor(r * r * this.skus.length)]!;
  }

  private lines(max: number): { sku: string; quantity: number }[] {
    const skus = new Set<string>();
    const n = this.rnd.int(1, max);
    while (skus.size < n) skus.add(this.sku());
    return [...skus].map((sku) => ({ sku, quantity: this.rnd.chance(0.8) ? 1 : 2 }));
  }

  private destination(): Record<string, unknown> {
    const m = this.rnd.pick(this.metros);
    if (m.zip && this.rnd.chance(0.3)) return { postalCode: m.zip, country: 'US' };
    return { lat: m.lat + this.rnd.float(-0.4, 0.4, 4), lon: m.lon + this.rnd.float(-0.4, 0.4, 4) };
  }

  private availability(): PlannedRequest {
    const skus = this.lines(3).map((l) => encodeURIComponent(l.sku));
    const near = this.rnd.chance(0.2) ? this.rnd.pick(this.metros).zip : undefined;
    const where = near ? `&postalCode=${near}&radiusMiles=50&detail=true` : '';
    return {
      endpoint: 'availability',
      method: 'GET',
      path: `/v1/availability?skus=${skus.join(',')}&channel=web${where}`,
    };
  }

  private options(): PlannedRequest {
    return {
      endpoint: 'options',
      method: 'POST',
      path: '/v1/fulfilment-options',
      body: { lines: this.lines(3), destination: this.destination(), channel: 'web' },
    };
  }

  private order(): PlannedRequest {
    const n = this.seq++;
    return {
      endpoint: 'order',
      method: 'POST',
      path: '/v1/orders',
      body: {
        channel: 'web',
        externalId: `${this.prefix}-${n}`,
        customer: { id: `c${this.rnd.int(1, 50_000)}` },
        destination: this.destination(),
        lines: this.lines(3).map((l) => ({ ...l, price: 24.99 })),
      },
      onOk: (json) => {
        const order = json as { id: string; fulfilmentOrders: FoRef[] };
        this.orders.push(order.id);
        if (this.orders.length > 5_000) this.orders.splice(0, 1_000);
        for (const fo of order.fulfilmentOrders) if (fo.status === 'released') this.enqueue('accept', fo.id);
      },
    };
  }

  private orderRead(): PlannedRequest {
    const id = this.orders.length
      ? this.orders[this.orders.length - 1 - this.rnd.int(0, Math.min(50, this.orders.length - 1))]
      : undefined;
    // Before the first order exists, a read of the order list stands in.
    return { endpoint: 'order-read', method: 'GET', path: id ? `/v1/orders/${id}` : '/v1/orders?limit=20' };
  }

  private enqueue(step: (typeof NODE_WORK)[number], id: string): void {
    const q = this.queues[step];
    q.push(id);
    if (q.length > 10_000) q.splice(0, 2_000);
  }

  /** The furthest step with work waiting goes first, so fulfilment orders flow through to shipped. */
  private nodeWork(): PlannedRequest {
    for (const step of ['ship', 'pack', 'accept'] as const) {
      const id = this.queues[step].pop();
      if (!id) continue;
      const after = NODE_WORK[NODE_WORK.indexOf(step) + 1];
      return {
        endpoint: 'node-work',
        method: 'POST',
        path: `/v1/fulfilment-orders/${id}/${step}`,
        body:
          step === 'ship' ? { carrier: 'UPS', trackingNumber: `1Z${this.seq}${this.rnd.int(0, 1e9)}` } : {},
        onOk: after ? () => this.enqueue(after, id) : undefined,
        // The work moved on meanwhile (a paused node's orders are withdrawn): a real outcome.
        expected: [409],
      };
    }
    return this.orderRead();
  }

  private nodeUpdate(): PlannedRequest {
    const update = (nodeId: string, body: Record<string, unknown>): PlannedRequest => ({
      endpoint: 'node-update',
      method: 'PATCH',
      path: `/v1/nodes/${nodeId}`,
      body,
    });
    const back = [...this.paused][0];
    if (back) {
      this.paused.delete(back);
      return update(back, { status: 'online' });
    }
    // A store pausing (its waiting work is routed elsewhere) is rarer than a capacity change.
    if (this.rnd.chance(0.02)) {
      const store = this.rnd.pick(this.stores);
      this.paused.add(store);
      return update(store, { status: 'paused' });
    }
    return update(this.rnd.pick(this.nodes), { dailyCapacity: this.rnd.int(500_000, 1_000_000) });
  }

  private feedDelta(): PlannedRequest {
    const asOf = new Date().toISOString();
    const rows = Array.from({ length: this.rnd.int(1, 3) }, () => ({
      kind: this.rnd.chance(0.7) ? 'receipt' : 'adjustment',
      nodeId: this.rnd.pick(this.nodes),
      sku: this.sku(),
      quantity: this.rnd.int(1, 20),
      source: 'bench-wms',
      sourceId: `${this.prefix}-d${this.seq++}`,
      asOf,
    }));
    return { endpoint: 'feed-delta', method: 'POST', path: '/v1/inventory/adjustments', body: rows };
  }

  private feedCount(): PlannedRequest {
    const countedAt = new Date().toISOString();
    const nodeId = this.rnd.pick(this.stores);
    const skus = new Set(Array.from({ length: 5 }, () => this.sku()));
    const rows = [...skus].map((sku) => ({
      nodeId,
      sku,
      quantity: this.rnd.int(200, 400),
      countedAt,
      source: 'bench-store-count',
      sourceId: `${this.prefix}-c${this.seq++}`,
    }));
    return { endpoint: 'feed-count', method: 'POST', path: '/v1/inventory/counts', body: rows };
  }
}

/** The mix as a shuffled deck of 10 × the weights, cycled: exact proportions over every deck. */
function buildDeck(rnd: SeededRandom): Endpoint[] {
  const deck = ENDPOINTS.flatMap((e) => Array.from({ length: Math.round(MIX[e] * 10) }, () => e));
  for (let i = deck.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  return deck;
}
