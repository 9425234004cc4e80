import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../platform/db/database.ts';
import type { AttemptStatus } from './delivery-tables.ts';
import { toEvent } from './event-row.ts';
import { EVENTS_CHANNEL } from './outbox.ts';
import { sequenceEvents } from './sequencer.ts';
import { WakeSignal } from './wake-signal.ts';
import { type Backoff, jitteredBackoff } from './webhook-backoff.ts';
import { fanOut } from './webhook-fanout.ts';
import {
  type AttemptResult,
  claimDue,
  type Delivery,
  nextDueAt,
  recordAttempts,
  releaseOrphanedClaims,
} from './webhook-queue.ts';
import { openSecret } from './webhook-secret.ts';
import { sendWebhook } from './webhook-sender.ts';

export interface DispatcherOptions {
  db: Db;
  /** Scheduling clock (due times, backoff, leases); tests move it forward instead of waiting. */
  clock?: () => Date;
  backoff?: Backoff;
  /** Deliveries in flight at once (each to a different aggregate). */
  concurrency?: number;
  /** HTTP timeout per attempt. */
  timeoutMs?: number;
  /** How long a claim holds; longer than the timeout, so only a dead sender's claims run out. */
  leaseMs?: number;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** A dedicated connection to LISTEN on for new events (otherwise it polls every `pollMs`). */
  listenClient?: pg.ClientBase;
  /** Upper bound of a sleep: also how soon a retry falling due is noticed. */
  pollMs?: number;
  /** Return after this long (the job that runs it schedules its successor). */
  maxRunMs?: number;
}

/** Beyond the send timeout, how long a finished send may still take to record its result. */
const ORPHAN_MARGIN_MS = 5_000;

/**
 * Moves outbox events to webhook receivers: sequence, fan out into per-subscription queues, claim
 * the due head of each aggregate, send, record. Every step is safe with several dispatchers at
 * once (see webhook-queue.ts), so a second instance or a crashed one never causes a double success.
 */
export class WebhookDispatcher {
  private readonly db: Db;
  private readonly clock: () => Date;
  private readonly backoff: Backoff;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly log: NonNullable<DispatcherOptions['log']>;
  private readonly results: (AttemptResult & { done: (s: AttemptStatus | undefined) => void })[] = [];
  private flushing: Promise<void> | undefined;

  constructor(options: DispatcherOptions) {
    this.db = options.db;
    this.clock = options.clock ?? (() => new Date());
    this.backoff = options.backoff ?? jitteredBackoff();
    this.concurrency = options.concurrency ?? 64;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? this.timeoutMs + 30_000;
    this.log = options.log ?? (() => undefined);
  }

  /** Sequences and fans out new events; returns how many deliveries were queued. */
  async enqueue(): Promise<number> {
    while ((await sequenceEvents(this.db)) === 5_000);
    return fanOut(this.db, this.clock());
  }

  /** Claims what is due now (up to `limit`) and starts sending; resolves per delivery when recorded. */
  async claim(limit = this.concurrency): Promise<Promise<void>[]> {
    if (limit <= 0) return [];
    const token = randomUUID();
    const claimed = await claimDue(this.db, { now: this.clock(), limit, leaseMs: this.leaseMs, token });
    return claimed.map((d) => this.deliver(d, toEvent(d.event), d, token));
  }

  /** One pass for tests and jobs: enqueue, then send everything due until nothing is (at this clock). */
  async drain(): Promise<{ queued: number; attempts: number }> {
    let queued = await this.enqueue();
    let attempts = 0;
    for (;;) {
      const sends = await this.claim();
      if (sends.length === 0) {
        const more = await this.enqueue();
        queued += more;
        if (more === 0) return { queued, attempts };
        continue;
      }
      await Promise.all(sends);
      attempts += sends.length;
    }
  }

  /** Runs until aborted or `maxRunMs` passes, waking on new events, finished sends and due retries. */
  async run(opts: RunOptions = {}): Promise<void> {
    const pollMs = opts.pollMs ?? 1_000;
    const deadline = Date.now() + (opts.maxRunMs ?? Number.POSITIVE_INFINITY);
    const wake = new WakeSignal();
    const inflight = new Set<Promise<void>>();
    // New events are looked for on a NOTIFY, after an idle sleep, and always without a listener.
    let newEvents = true;
    const onNotification = (msg: pg.Notification) => {
      if (msg.channel !== EVENTS_CHANNEL) return;
      newEvents = true;
      wake.notify();
    };
    // A loop starting fresh (e.g. after the process holding the last one was killed) takes over
    // claims that are past the send timeout at once instead of waiting out their lease.
    const now = this.clock();
    const freed = await releaseOrphanedClaims(this.db, {
      now,
      claimedBefore: new Date(now.getTime() - this.timeoutMs - ORPHAN_MARGIN_MS),
      leaseMs: this.leaseMs,
    }).catch(() => 0);
    if (freed > 0)
      this.log('info', `webhook dispatcher: took over ${freed} deliveries from a stopped sender`);
    if (opts.listenClient) {
      opts.listenClient.on('notification', onNotification);
      await opts.listenClient.query(`LISTEN ${EVENTS_CHANNEL}`);
    }
    try {
      while (!opts.signal?.aborted && Date.now() < deadline) {
        let started = 0;
        try {
          if (newEvents || !opts.listenClient) {
            newEvents = false;
            await this.enqueue();
          }
          // Claim in batches (a claim is one query however many it takes), or at once when idle.
          const free = this.concurrency - inflight.size;
          const worth = inflight.size === 0 || free >= Math.max(1, this.concurrency / 4);
          for (const send of worth ? await this.claim(free) : []) {
            started++;
            const p = send.finally(() => {
              inflight.delete(p);
              wake.notify();
            });
            inflight.add(p);
          }
        } catch (err) {
          this.log('error', `webhook dispatcher: ${(err as Error).message}`);
          await wake.wait(pollMs, opts.signal);
          continue;
        }
        // Capacity left and something was due: look again at once (an aggregate's next event may be).
        if (started > 0 && this.concurrency - inflight.size >= Math.max(1, this.concurrency / 4)) continue;
        const due =
          inflight.size < this.concurrency ? await nextDueAt(this.db).catch(() => undefined) : undefined;
        const untilDue = due ? Math.max(0, due.getTime() - this.clock().getTime()) : pollMs;
        const sleep = Math.min(pollMs, untilDue + 5);
        await wake.wait(sleep, opts.signal);
        if (sleep === pollMs) newEvents = true;
      }
    } finally {
      await Promise.allSettled([...inflight]);
      if (opts.listenClient) {
        opts.listenClient.off('notification', onNotification);
        await opts.listenClient.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined);
      }
    }
  }

  private async deliver(
    d: Delivery,
    event: ReturnType<typeof toEvent> | undefined,
    sub: { url: string; secret: string } | undefined,
    token: string,
  ) {
    try {
      const outcome =
        sub && event
          ? await sendWebhook(
              sub.url,
              openSecret(sub.secret, d.subscription_id), // stored sealed; a missing key throws: retried
              { id: d.event_id, type: event.type, timestamp: event.occurredAt, data: event },
              { timeoutMs: this.timeoutMs },
            )
          : { ok: false, responseCode: null, durationMs: 0, error: 'event or subscription no longer exists' };
      const status = await this.record({ delivery: d, outcome, token });
      if (status === 'dead') this.log('warn', `webhook ${d.subscription_id}: event ${d.event_id} is dead`);
    } catch (err) {
      // The claim runs out and the event is attempted again.
      this.log('error', `webhook delivery ${d.event_id}: ${(err as Error).message}`);
    }
  }

  /**
   * Queues a result for the recorder: results that finish while a write is under way go together
   * in the next one (one statement, one commit for many deliveries).
   */
  private record(result: AttemptResult): Promise<AttemptStatus | undefined> {
    return new Promise((resolve) => {
      this.results.push({ ...result, done: resolve });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.results.length > 0) {
      const batch = this.results.splice(0, 500);
      try {
        const statuses = await recordAttempts(this.db, batch, { now: this.clock(), backoff: this.backoff });
        for (const r of batch) r.done(statuses.get(`${r.delivery.subscription_id}/${r.delivery.event_id}`));
      } catch (err) {
        // Unrecorded: the claims run out and these events are attempted again.
        this.log('error', `webhook results not recorded: ${(err as Error).message}`);
        for (const r of batch) r.done(undefined);
      }
    }
  }
}
