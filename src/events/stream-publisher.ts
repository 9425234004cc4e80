import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type pg from 'pg';
import type { Db } from '../platform/db/database.ts';
import { toEvent } from './event-row.ts';
import { EVENTS_CHANNEL } from './outbox.ts';
import { sequenceAll } from './sequencer.ts';
import { WakeSignal } from './wake-signal.ts';

export interface StreamPublisherOptions {
  db: Db;
  /** A connection from it holds the leader lock and LISTENs for new events. */
  pool: pg.Pool;
  natsUrl: string;
  /** JetStream stream (default ORDERGRID) and subject prefix (default ordergrid). */
  stream?: string;
  subjectPrefix?: string;
  batch?: number;
  pollMs?: number;
  /** How often a stand-by instance tries to become the publisher. */
  standbyMs?: number;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
  /** Test hook, called after each broker ack and before the cursor is saved; throwing "crashes" the leader. */
  afterAck?: (position: number) => void;
}

const LEADER_LOCK = 727_102;
const DUPLICATE_WINDOW_MS = 5 * 60_000;
const SAVE_EVERY = 100;

/** `prefix.aggregateType.eventType`, each token reduced to characters a NATS subject allows. */
export function subjectFor(prefix: string, aggregateType: string, eventType: string): string {
  const token = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
  return [prefix, token(aggregateType), ...eventType.split('.').map(token)].join('.');
}

/**
 * Publishes every outbox event to NATS JetStream, in position order (so in order per aggregate),
 * with the event id as `Nats-Msg-Id` so the server drops repeats. The cursor in PostgreSQL moves only
 * after acks; a restart publishes again from it and the stream's de-duplication absorbs the overlap.
 * One instance publishes (a session advisory lock); the others wait to take over.
 */
export class StreamPublisher {
  private readonly stream: string;
  private readonly prefix: string;
  private readonly log: NonNullable<StreamPublisherOptions['log']>;
  private readonly wake = new WakeSignal();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private leader = false;

  constructor(private readonly options: StreamPublisherOptions) {
    this.stream = options.stream ?? 'ORDERGRID';
    this.prefix = options.subjectPrefix ?? 'ordergrid';
    this.log = options.log ?? (() => undefined);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake.notify();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.leadWhileLocked();
      } catch (err) {
        this.log('error', `event stream publisher: ${(err as Error).message}`);
      }
      if (!signal.aborted) await this.wake.wait(this.options.standbyMs ?? 2_000, signal);
    }
  }

  /** Takes the leader lock if free, then publishes until stopped or something breaks. */
  private async leadWhileLocked(): Promise<void> {
    const client = await this.options.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
      this.wake.notify();
    };
    client.on('error', onError);
    let nc: NatsConnection | undefined;
    let locked = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [LEADER_LOCK, this.stream],
      );
      locked = rows[0]?.ok === true;
      if (!locked) return;
      nc = await connect({ servers: this.options.natsUrl, name: `ordergrid-publisher-${this.stream}` });
      const jsm = await jetstreamManager(nc);
      await this.ensureStream(jsm);
      const js = jetstream(nc);
      let cursor = Math.max(await this.loadCursor(), await this.lastPublished(jsm));
      this.leader = true;
      this.log('info', `publishing events to NATS stream ${this.stream} from position ${cursor}`);
      client.on('notification', () => this.wake.notify());
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      const batch = this.options.batch ?? 500;
      while (!this.abort.signal.aborted) {
        if (broken) throw broken;
        const { published, position } = await this.publishBatch(js, cursor, batch);
        cursor = position;
        if (published < batch) await this.wake.wait(this.options.pollMs ?? 1_000, this.abort.signal);
      }
    } finally {
      this.leader = false;
      client.off('error', onError);
      await nc?.close().catch(() => undefined);
      if (locked && !broken) {
        await client.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined);
        await client
          .query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEADER_LOCK, this.stream])
          .catch(() => undefined);
      }
      client.removeAllListeners('notification');
      // A broken connection is discarded (which also frees the lock on the server side).
      client.release(broken);
    }
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    try {
      await jsm.streams.info(this.stream);
    } catch {
      // Absent: create it. An existing stream is left as operations configured it.
      await jsm.streams.add({
        name: this.stream,
        subjects: [`${this.prefix}.>`],
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    }
  }

  /**
   * The position of the newest message in the stream, if it is one of ours: a publisher that died
   * after an ack but before saving its cursor then resumes after it even when the de-duplication
   * window has passed.
   */
  private async lastPublished(jsm: JetStreamManager): Promise<number> {
    const info = await jsm.streams.info(this.stream);
    if (info.state.last_seq === 0) return 0;
    const msg = await jsm.streams.getMessage(this.stream, { seq: info.state.last_seq }).catch(() => null);
    const id = msg?.header?.get('Nats-Msg-Id');
    if (!id || !/^[0-9a-f-]{36}$/.test(id)) return 0;
    const row = await this.options.db
      .selectFrom('events')
      .select('position')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  private async loadCursor(): Promise<number> {
    const row = await this.options.db
      .selectFrom('event_stream_cursors')
      .select('position')
      .where('name', '=', this.stream)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  private async saveCursor(position: number): Promise<void> {
    await this.options.db
      .insertInto('event_stream_cursors')
      .values({ name: this.stream, position })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: new Date() }))
      .execute();
  }

  /** Publishes one batch one message at a time: nothing later is sent before an earlier one is acked. */
  private async publishBatch(
    js: JetStreamClient,
    cursor: number,
    batch: number,
  ): Promise<{ published: number; position: number }> {
    await sequenceAll(this.options.db);
    const rows = await this.options.db
      .selectFrom('events')
      .selectAll()
      .where('position', '>', cursor)
      .orderBy('position')
      .limit(batch)
      .execute();
    let position = cursor;
    // On a failure the acked tail is not saved: the next leader re-publishes it and the stream drops
    // the repeats (or skips them outright, see lastPublished).
    for (let i = 0; i < rows.length; i++) {
      const event = toEvent(rows[i]!);
      await js.publish(subjectFor(this.prefix, event.aggregateType, event.type), JSON.stringify(event), {
        msgID: event.id,
        timeout: 5_000,
      });
      this.options.afterAck?.(event.position);
      position = event.position;
      if (i % SAVE_EVERY === SAVE_EVERY - 1 || i === rows.length - 1) await this.saveCursor(position);
    }
    return { published: rows.length, position };
  }
}
