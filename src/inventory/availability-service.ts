import type pg from 'pg';
import type { ChannelRule } from '../channels/channel-rules.ts';
import type { GeoPoint } from '../network/haversine.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import type {
  AvailabilityIndex,
  NodeAvailability,
  NodeMeta,
  PositionView,
  SkuAvailability,
} from './availability-index.ts';
import {
  AvailabilitySync,
  type AvailabilitySyncOptions,
  type AvailabilitySyncStatus,
} from './availability-sync.ts';

export interface AvailabilityLookup {
  skus: readonly string[];
  channel: string | null;
  kinds?: readonly string[] | null;
  /** Restrict to these nodes (an associate's). */
  nodeIds?: readonly string[] | null;
  origin?: GeoPoint | null;
  radiusMiles?: number | null;
  detail?: boolean;
}

export interface AvailabilityAnswer {
  items: SkuAvailability[];
  indexLoadedAt: string;
  indexStalenessMs: number;
}

/**
 * Real-time availability for the whole process, read from the in-memory index (no I/O per call).
 * Created unstarted (services.ts), so tests and commands that do not need it open no listener;
 * `serve` starts it before listening. Reads before start() fail with `availability-unavailable`.
 */
export class AvailabilityService {
  private sync: AvailabilitySync | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: AvailabilitySyncOptions = {},
  ) {}

  /** Opens the dedicated LISTEN connection (a URL, or e.g. the pool's options) and loads the index. */
  start(connection: pg.ClientConfig | string, options: AvailabilitySyncOptions = {}): Promise<void> {
    if (this.starting) return this.starting;
    const config = typeof connection === 'string' ? { connectionString: connection } : connection;
    const sync = new AvailabilitySync(this.db, config, { ...this.options, ...options });
    this.starting = sync.start().then(
      () => {
        this.sync = sync;
      },
      (err: unknown) => {
        this.starting = null;
        throw err;
      },
    );
    return this.starting;
  }

  async stop(): Promise<void> {
    const sync = this.sync;
    this.sync = null;
    this.starting = null;
    await sync?.stop();
  }

  get started(): boolean {
    return this.sync !== null;
  }

  // ---- fast reads (the orders domain, fulfilment options) ------------------------------------

  /** A node's own ATP for a sku (on hand - reserved - safety, at least 0), whatever its status. */
  atp(sku: string, nodeId: string): number {
    return this.index().atp(sku, nodeId);
  }

  /** Network ATP of a sku for a channel (after its buffer and cap); null = every online node. */
  networkAtp(sku: string, channel: string | null = null): number {
    const index = this.index();
    if (channel !== null) this.assertChannel(index, channel);
    return index.networkAtp(sku, channel);
  }

  /** The nodes a channel may sell a sku from now (online, admitted by its rule), most ATP first. */
  sellingNodes(sku: string, channel: string | null = null): NodeAvailability[] {
    const index = this.index();
    if (channel !== null) this.assertChannel(index, channel);
    return index.sellingNodes(sku, channel);
  }

  /** Whether a channel (null = any) may sell from a node now. */
  maySell(channel: string | null, nodeId: string): boolean {
    const index = this.index();
    if (channel !== null) this.assertChannel(index, channel);
    return index.maySell(channel, nodeId);
  }

  position(sku: string, nodeId: string): PositionView | undefined {
    return this.index().position(sku, nodeId);
  }

  node(nodeId: string): NodeMeta | undefined {
    return this.index().node(nodeId);
  }

  channel(id: string): ChannelRule | undefined {
    return this.index().channel(id);
  }

  /** The answer of GET /v1/availability. Throws channel-not-found for an unknown channel. */
  lookup(q: AvailabilityLookup): AvailabilityAnswer {
    const index = this.index();
    if (q.channel !== null) this.assertChannel(index, q.channel, '/channel');
    const filter = index.prepare({
      channel: q.channel,
      kinds: q.kinds ?? null,
      nodeIds: q.nodeIds ?? null,
      origin: q.origin ?? null,
      radiusMiles: q.radiusMiles ?? null,
      detail: q.detail ?? false,
    });
    const items = q.skus.map((sku) => index.evaluate(sku, filter));
    const sync = this.sync!;
    return {
      items,
      indexLoadedAt: sync.loadedAtIso ?? new Date(0).toISOString(),
      indexStalenessMs: Math.max(0, Math.round(sync.stalenessMs())),
    };
  }

  // ---- freshness ----------------------------------------------------------------------------

  /** Upper bound on the index's age in ms (Infinity when not started). */
  stalenessMs(): number {
    return this.sync?.stalenessMs() ?? Number.POSITIVE_INFINITY;
  }

  status(): AvailabilitySyncStatus | { state: 'stopped' } {
    return this.sync?.status() ?? { state: 'stopped' };
  }

  /** Re-reads everything now (e.g. after a bulk import that sent no notification). */
  async reload(): Promise<void> {
    this.index();
    await this.sync!.reload();
  }

  private index(): AvailabilityIndex {
    if (this.sync === null) {
      throw new AppError(
        'availability-unavailable',
        'The availability index is not started in this process (AvailabilityService.start)',
      );
    }
    return this.sync.index;
  }

  private assertChannel(index: AvailabilityIndex, channel: string, pointer?: string): void {
    if (!index.hasChannel(channel)) {
      throw new AppError('channel-not-found', `Channel ${channel} does not exist`, {
        errors: pointer ? [{ pointer, detail: 'unknown channel', in: 'query' }] : [],
      });
    }
  }
}
