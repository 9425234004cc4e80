import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/outbox.ts';
import { StreamPublisher, subjectFor } from '../../src/events/stream-publisher.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const tag = randomBytes(4).toString('hex');
const STREAM = `OGTEST_${tag}`;
const PREFIX = `ogtest_${tag}`;
const publisherModule = fileURLToPath(new URL('../../src/events/stream-publisher.ts', import.meta.url));
const databaseModule = fileURLToPath(new URL('../../src/platform/db/database.ts', import.meta.url));

let db: TestDatabase;
let nc: NatsConnection;
beforeAll(async () => {
  db = await createTestDatabase();
  nc = await connect({ servers: NATS_URL });
});
afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await nc.close();
  await db.drop();
});

async function appendMany(from: number, count: number, aggregates: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await db.db.transaction().execute((trx) =>
      appendEvent(trx, {
        type: i % 3 === 0 ? 'order.created' : 'order.updated',
        aggregateType: 'order',
        aggregateId: `O-${i % aggregates}`,
        payload: { i },
      }),
    );
  }
}

async function cursor(): Promise<number> {
  const row = await db.db
    .selectFrom('event_stream_cursors')
    .select('position')
    .where('name', '=', STREAM)
    .executeTakeFirst();
  return Number(row?.position ?? 0);
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A publisher in its own process, killed with SIGKILL once it has published `killAfter` events. */
function childPublisher(killAfter: number): { proc: ChildProcess; killed: Promise<void> } {
  const code = `
    const { StreamPublisher } = await import(${JSON.stringify(publisherModule)});
    const { createDb } = await import(${JSON.stringify(databaseModule)});
    const h = createDb(${JSON.stringify(db.url)}, 4);
    let n = 0;
    const p = new StreamPublisher({ db: h.db, pool: h.pool, natsUrl: ${JSON.stringify(NATS_URL)},
      stream: ${JSON.stringify(STREAM)}, subjectPrefix: ${JSON.stringify(PREFIX)}, batch: 50,
      afterAck: () => { if (++n === ${killAfter}) process.stdout.write('KILLME\\n'); } });
    p.start();`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killed = new Promise<void>((resolve) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('KILLME')) proc.kill('SIGKILL');
    });
    proc.on('exit', () => resolve());
  });
  return { proc, killed };
}

describe('event stream to NATS JetStream', () => {
  it('maps events to per-aggregate subjects', () => {
    expect(subjectFor('ordergrid', 'order', 'order.created')).toBe('ordergrid.order.order.created');
    expect(subjectFor('ordergrid', 'api key', 'x.*')).toBe('ordergrid.api_key.x._');
  });

  it('publishes every event once, in per-aggregate order, across a kill, a crash and a hand-over', async () => {
    await appendMany(0, 400, 12);

    // 1. A publisher process killed outright mid-stream (after an ack, possibly before its cursor save).
    const child = childPublisher(170);
    await child.killed;
    const afterKill = await cursor();
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(400);

    // 2. Two instances: one leads, the other stands by. The leader "crashes" after more acks.
    let acks = 0;
    const a = new StreamPublisher({
      db: db.db,
      pool: db.pool,
      natsUrl: NATS_URL,
      stream: STREAM,
      subjectPrefix: PREFIX,
      batch: 50,
      standbyMs: 100,
      afterAck: () => {
        if (++acks === 60) throw new Error('simulated crash after an ack');
      },
    });
    const b = new StreamPublisher({
      db: db.db,
      pool: db.pool,
      natsUrl: NATS_URL,
      stream: STREAM,
      subjectPrefix: PREFIX,
      batch: 50,
      standbyMs: 100,
    });
    a.start();
    await until(async () => a.isLeader, 10_000, 'a to lead');
    b.start();
    await until(async () => acks >= 60, 10_000, 'a to crash');
    await a.stop();
    // Events keep arriving while b takes over.
    await appendMany(400, 100, 12);
    await until(async () => (await cursor()) >= 500, 20_000, 'b to catch up');
    expect(b.isLeader).toBe(true);
    await b.stop();

    // Every event is in the stream exactly once, and each aggregate's events in aggregateSeq order.
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(STREAM);
    expect(info.state.messages).toBe(500);
    const ids = new Set<string>();
    const lastSeq = new Map<string, number>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(STREAM, { seq });
      const event = msg!.json<{ id: string; aggregateId: string; aggregateSeq: number; type: string }>();
      expect(msg!.header.get('Nats-Msg-Id')).toBe(event.id);
      expect(msg!.subject).toBe(`${PREFIX}.order.${event.type}`);
      ids.add(event.id);
      expect(event.aggregateSeq).toBe((lastSeq.get(event.aggregateId) ?? 0) + 1);
      lastSeq.set(event.aggregateId, event.aggregateSeq);
    }
    expect(ids.size).toBe(500);
    // A repeat within the window (what a restart from a stale cursor sends) is dropped by the server.
    const first = (await jsm.streams.getMessage(STREAM, { seq: info.state.first_seq }))!;
    const again = await jetstream(nc).publish(first.subject, first.data, {
      msgID: first.header.get('Nats-Msg-Id'),
    });
    expect(again.duplicate).toBe(true);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(500);

    // The consumer example of docs/events.md: a durable pull consumer, acking as it goes.
    await jsm.consumers.add(STREAM, {
      durable_name: 'erp',
      ack_policy: AckPolicy.Explicit,
      filter_subject: `${PREFIX}.order.>`,
    });
    const consumer = await jetstream(nc).consumers.get(STREAM, 'erp');
    const seen: string[] = [];
    const batch = await consumer.fetch({ max_messages: 100, expires: 2_000 });
    for await (const m of batch) {
      seen.push(m.json<{ id: string }>().id);
      m.ack();
    }
    expect(seen).toHaveLength(100);
  });
});
