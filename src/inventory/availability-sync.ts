import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CHANNELS_CHANNEL, NODES_CHANNEL } from '../channels/migrations.ts';
import type { Db } from '../platform/db/database.ts';
import { AvailabilityIndex } from './availability-index.ts';
import { LagSamples } from './availability-lag.ts';
import {
  parseChannelPayload,
  parseInventoryPayload,
  parseNodePayload,
} from './availability-notifications.ts';
import { loadAvailabilityIndex, loadChannelRules } from './availability-snapshot.ts';
import { INVENTORY_CHANNEL } from './migrations.ts';

export interface AvailabilitySyncOptions {
  /** How often the listener proves it is current (a self-notification round trip). */
  heartbeatMs?: number;
  /** A heartbeat not answered within this is a dead connection. */
  heartbeatTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubled per failed attempt up to the max (with jitter). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

export type SyncState = 'stopped' | 'starting' | 'live' | 'reconnecting';

export interface AvailabilitySyncStatus {
  state: SyncState;
  loadedAt: string | null;
  /** Every change committed before this instant is in the index. */
  currentAsOf: string | null;
  /** now - currentAsOf: an upper bound on how old the index may be (null before the first load). */
  stalenessMs: number | null;
  lastNotificationAt: string | null;
  listenerPid: number | null;
  reconnects: number;
  reloads: number;
  applied: number;
  ignored: number;
  malformed: number;
  /** Commit-to-apply lag of node and channel changes (their payloads carry the database clock). */
  changeLagMs: { samples: number; p50: number | null; p99: number | null };
  index: ReturnType<AvailabilityIndex['stats']>;
}

interface Buffered {
  channel: string;
  payload: string;
}

/**
 * Keeps an AvailabilityIndex fresh: loads it from one snapshot, then applies the notifications of
 * a dedicated LISTEN connection. A lost connection is re-opened with backoff and followed by a full
 * reload (notifications sent meanwhile are lost). Staleness is measured by heartbeats the listener
 * sends itself: PostgreSQL delivers notifications in commit order, so when heartbeat N comes back
 * every change committed before it was sent has been applied.
 */
export class AvailabilitySync {
  index = new AvailabilityIndex();
  state: SyncState = 'stopped';
  private readonly heartbeatChannel = `ordergrid_hb_${randomBytes(6).toString('hex')}`;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly log: NonNullable<AvailabilitySyncOptions['log']>;

  private client: pg.Client | null = null;
  private connecting = false;
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private beatSeq = 0;
  private beatInFlight = false;
  private readonly beatsSent = new Map<number, number>();

  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  /** Notifications seen while a reload is reading its snapshot, replayed onto the new index. */
  private buffer: Buffered[] | null = null;
  private asOfDuringLoad = 0;
  private channelsReloading: Promise<void> | null = null;
  private channelsAgain = false;

  private asOf = 0;
  private loadedAtMs = 0;
  /** ISO form of loadedAt, made once per load rather than per request. */
  loadedAtIso: string | null = null;
  private lastNotificationAt = 0;
  private reconnects = 0;
  private reloads = 0;
  private applied = 0;
  private ignored = 0;
  private malformed = 0;
  private readonly lag = new LagSamples(1024);

  constructor(
    private readonly db: Db,
    private readonly connection: pg.ClientConfig,
    options: AvailabilitySyncOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 250;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 5_000;
    this.reconnectMinMs = options.reconnectMinMs ?? 100;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 5_000;
    this.log = options.log ?? (() => undefined);
  }

  /** Connects, listens and loads; rejects if the first attempt fails. */
  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    this.stopping = false;
    this.state = 'starting';
    try {
      await this.connectAndLoad();
    } catch (err) {
      this.state = 'stopped';
      throw err;
    }
    this.state = 'live';
    this.startHeartbeat();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    const client = this.client;
    this.client = null;
    if (client) await this.detach(client);
    await Promise.allSettled([this.reloading, this.channelsReloading]);
  }

  /** now - currentAsOf, in ms; Infinity before the first load. */
  stalenessMs(): number {
    return this.asOf === 0 ? Number.POSITIVE_INFINITY : Date.now() - this.asOf;
  }

  status(): AvailabilitySyncStatus {
    const iso = (ms: number) => (ms === 0 ? null : new Date(ms).toISOString());
    return {
      state: this.state,
      loadedAt: iso(this.loadedAtMs),
      currentAsOf: iso(this.asOf),
      stalenessMs: this.asOf === 0 ? null : Date.now() - this.asOf,
      lastNotificationAt: iso(this.lastNotificationAt),
      // pg sets processID on connect; its typings omit it.
      listenerPid: (this.client as { processID?: number } | null)?.processID ?? null,
      reconnects: this.reconnects,
      reloads: this.reloads,
      applied: this.applied,
      ignored: this.ignored,
      malformed: this.malformed,
      changeLagMs: this.lag.summary(),
      index: this.index.stats(),
    };
  }

  /** Reads everything again (a snapshot taken after this call); resolves when swapped in. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.reloadLoop().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  // ---- connection ---------------------------------------------------------------------------

  private async connectAndLoad(): Promise<void> {
    this.connecting = true;
    const client = new pg.Client({
      ...this.connection,
      application_name: 'ordergrid-availability',
      keepAlive: true,
    });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (client === this.client) this.onNotification(msg.channel, msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(
        `LISTEN ${INVENTORY_CHANNEL}; LISTEN ${NODES_CHANNEL}; LISTEN ${CHANNELS_CHANNEL}; LISTEN ${this.heartbeatChannel}`,
      );
      // Only now (listening) may the snapshot start: later commits reach us as notifications.
      await this.reload();
      if (this.client !== client) throw new Error('the listener connection was lost during the load');
    } catch (err) {
      if (this.client === client) {
        this.client = null;
        await this.detach(client);
      }
      throw err;
    } finally {
      this.connecting = false;
    }
  }

  private async detach(client: pg.Client): Promise<void> {
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    void this.detach(client);
    if (this.stopping) return;
    this.log('warn', 'availability listener connection lost; reconnecting', {
      err: err instanceof Error ? err.message : err,
    });
    // connectAndLoad notices and its caller retries; otherwise start the retry loop here.
    if (this.connecting) return;
    this.state = 'reconnecting';
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const base = Math.min(this.reconnectMaxMs, this.reconnectMinMs * 2 ** this.attempt);
    const delay = base * (0.5 + Math.random() * 0.5);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectAndLoad().then(
        () => {
          if (this.stopping) return;
          this.attempt = 0;
          this.reconnects++;
          this.state = 'live';
          this.startHeartbeat();
          this.log('info', 'availability listener reconnected and reloaded', this.index.stats());
        },
        (error: unknown) => {
          if (this.stopping) return;
          this.log('warn', 'availability reconnect failed; retrying', {
            err: error instanceof Error ? error.message : error,
          });
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
    void this.beat();
  }

  private async beat(): Promise<void> {
    const client = this.client;
    if (!client || this.beatInFlight || this.connecting) return;
    const seq = ++this.beatSeq;
    this.beatsSent.set(seq, Date.now());
    this.beatInFlight = true;
    const timeout = setTimeout(
      () => this.lost(client, new Error('heartbeat timed out')),
      this.heartbeatTimeoutMs,
    );
    try {
      await client.query('SELECT pg_notify($1, $2)', [this.heartbeatChannel, String(seq)]);
    } catch (err) {
      this.lost(client, err);
    } finally {
      clearTimeout(timeout);
      this.beatInFlight = false;
    }
  }

  // ---- notifications ------------------------------------------------------------------------

  private onNotification(channel: string, payload: string): void {
    this.lastNotificationAt = Date.now();
    this.buffer?.push({ channel, payload });
    this.dispatch(this.index, channel, payload, false);
  }

  /** Applies one notification to an index (the live one, or a freshly loaded one on replay). */
  private dispatch(index: AvailabilityIndex, channel: string, payload: string, replay: boolean): void {
    if (channel === INVENTORY_CHANNEL) {
      if (payload === '*') {
        if (!replay) void this.reloadLogged();
        return;
      }
      const change = parseInventoryPayload(payload);
      if (!change) this.malformed++;
      else if (index.apply(change)) this.applied++;
      else this.ignored++;
    } else if (channel === NODES_CHANNEL) {
      const n = parseNodePayload(payload);
      if (!n) {
        this.malformed++;
        return;
      }
      const done = n.op === 'U' ? index.upsertNode(n.node) : index.removeNode(n.id, n.version);
      if (done) this.applied++;
      else this.ignored++;
      if (!replay && Number.isFinite(n.at)) this.lag.add(Date.now() - n.at);
    } else if (channel === CHANNELS_CHANNEL) {
      const c = parseChannelPayload(payload);
      if (!c) this.malformed++;
      void this.reloadChannels(c?.at);
    } else if (channel === this.heartbeatChannel) {
      const seq = Number(payload);
      const sentAt = this.beatsSent.get(seq);
      for (const k of this.beatsSent.keys()) if (k <= seq) this.beatsSent.delete(k);
      if (sentAt === undefined || replay) return;
      if (this.buffer) this.asOfDuringLoad = Math.max(this.asOfDuringLoad, sentAt);
      else if (this.state === 'live') this.asOf = Math.max(this.asOf, sentAt);
    }
  }

  private async reloadLoop(): Promise<void> {
    do {
      this.reloadAgain = false;
      this.buffer = [];
      this.asOfDuringLoad = 0;
      const startedAt = Date.now();
      let next: AvailabilityIndex;
      try {
        next = await loadAvailabilityIndex(this.db);
      } catch (err) {
        // The live index keeps serving, its staleness growing, until a reload succeeds.
        this.buffer = null;
        throw err;
      }
      const buffered = this.buffer ?? [];
      this.buffer = null;
      for (const b of buffered) this.dispatch(next, b.channel, b.payload, true);
      this.index = next;
      this.asOf = Math.max(startedAt, this.asOfDuringLoad);
      this.loadedAtMs = Date.now();
      this.loadedAtIso = new Date(this.loadedAtMs).toISOString();
      this.reloads++;
      // A channel change seen during the load may postdate the snapshot: read channels again.
      if (buffered.some((b) => b.channel === CHANNELS_CHANNEL)) void this.reloadChannels();
    } while (this.reloadAgain);
  }

  private async reloadLogged(): Promise<void> {
    try {
      await this.reload();
    } catch (err) {
      this.log('error', 'availability reload failed; retrying in 1 s', {
        err: err instanceof Error ? err.message : err,
      });
      setTimeout(() => void this.reloadLogged(), 1_000).unref();
    }
  }

  /** Channels are few: a change re-reads them all (coalesced). */
  private reloadChannels(at?: number): Promise<void> {
    if (this.channelsReloading) {
      this.channelsAgain = true;
      return this.channelsReloading;
    }
    this.channelsReloading = (async () => {
      do {
        this.channelsAgain = false;
        try {
          const rules = await loadChannelRules(this.db);
          this.index.setChannels(rules);
          if (at !== undefined && Number.isFinite(at)) this.lag.add(Date.now() - at);
        } catch (err) {
          this.log('error', 'availability channel reload failed; reloading everything', {
            err: err instanceof Error ? err.message : err,
          });
          void this.reloadLogged();
          return;
        }
      } while (this.channelsAgain);
    })().finally(() => {
      this.channelsReloading = null;
    });
    return this.channelsReloading;
  }
}
