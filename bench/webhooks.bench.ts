import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendEvent } from '../src/events/outbox.ts';
import { WebhookDispatcher } from '../src/events/webhook-dispatcher.ts';
import { WebhookService } from '../src/events/webhook-service.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { type BenchContext, median, quantile } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

/**
 * Webhook delivery from the outbox to a local receiver (always 204), through the real pipeline:
 * commit -> NOTIFY -> sequencer -> fan-out -> in-order sender -> signed POST -> log.
 * Throughput: a backlog of --events N (default 10000) over --orders N (default 1000) orders,
 * committed first; deliveries_per_s = events / (dispatcher start .. last delivery).
 * Lag: --rate N events/s (default 200) for --seconds N (default 5); lag = delivery - commit.
 * --runs N (default 3): the medians of the runs are reported.
 */
export default async function webhooksBench(ctx: BenchContext): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = ctx.args.indexOf(`--${name}`);
    return i >= 0 ? Number(ctx.args[i + 1]) : fallback;
  };
  const events = arg('events', 10_000);
  const orders = arg('orders', 1_000);
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 5);
  const runs = arg('runs', 3);

  const database = await createBenchDatabase('webhooks');
  const handle = createDb(database.url, 40);
  const arrived = new Map<string, number>();
  let onArrival: (() => void) | undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrived.has(id)) arrived.set(id, performance.now());
      res.writeHead(204).end();
      onArrival?.();
    });
  });
  let abort = new AbortController();
  let running: Promise<void> | undefined;
  const listenClient = await handle.pool.connect();
  try {
    await migrateToLatest(handle.db);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await new WebhookService(handle.db).create({ url, eventTypes: ['order.*'] }, 'bench');
    const dispatcher = new WebhookDispatcher({ db: handle.db, concurrency: 64 });
    ctx.log(`${events} events over ${orders} orders; then ${rate}/s for ${seconds} s; ${runs} runs`);

    const waitFor = (ids: string[], timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${countIn(ids)} of ${ids.length} delivered`)),
          timeoutMs,
        );
        const check = () => {
          if (countIn(ids) === ids.length) {
            clearTimeout(timer);
            onArrival = undefined;
            resolve();
          }
        };
        onArrival = check;
        check();
      });
    const countIn = (ids: string[]) => ids.reduce((n, id) => n + (arrived.has(id) ? 1 : 0), 0);

    const rates: number[] = [];
    const burstP99: number[] = [];
    const lag50: number[] = [];
    const lag99: number[] = [];
    for (let run = 0; run < runs; run++) {
      // Throughput: a backlog committed by 16 writers while no dispatcher runs, then delivered.
      const committed = new Map<string, number>();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < events; i = next++) {
            const id = await commit(handle.db, `R${run}-O${i % orders}`, i < orders);
            committed.set(id, performance.now());
          }
        }),
      );
      const ids = [...committed.keys()];
      abort = new AbortController();
      const t0 = performance.now();
      running = dispatcher.run({ signal: abort.signal, listenClient });
      await waitFor(ids, 300_000);
      const last = Math.max(...ids.map((id) => arrived.get(id)!));
      rates.push(events / ((last - t0) / 1000));
      burstP99.push(
        quantile(
          [...committed.keys()].map((id) => arrived.get(id)! - t0),
          0.99,
        ),
      );

      // Paced: a steady stream, one writer per event, for the commit-to-delivery lag.
      const paced = new Map<string, number>();
      const pending = new Set<Promise<void>>();
      const start = performance.now();
      const total = Math.round(rate * seconds);
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // At most 16 writers: a machine that cannot commit at this rate falls behind, not over.
        if (pending.size >= 16) await Promise.race(pending);
        const p: Promise<void> = commit(handle.db, `P${run}-O${i % orders}`, i < orders).then((id) => {
          paced.set(id, performance.now());
          pending.delete(p);
        });
        pending.add(p);
      }
      await Promise.all(pending);
      await waitFor([...paced.keys()], 60_000);
      const lags = lagsOf(paced, arrived);
      lag50.push(quantile(lags, 0.5));
      lag99.push(quantile(lags, 0.99));
      abort.abort();
      await running;
      ctx.log(
        `run ${run + 1}: ${Math.round(rates[run]!)} deliveries/s; paced lag p50 ${lag50[run]!.toFixed(1)} ms, p99 ${lag99[run]!.toFixed(1)} ms`,
      );
    }
    ctx.report(
      'deliveries_per_s',
      Math.round(median(rates)),
      'events/s',
      `${events} events, ${orders} orders`,
    );
    ctx.report('lag_p50_ms', round(median(lag50)), 'ms', `commit to delivery at ${rate}/s`);
    ctx.report('lag_p99_ms', round(median(lag99)), 'ms', `commit to delivery at ${rate}/s`);
    ctx.report(
      'backlog_p99_ms',
      round(median(burstP99)),
      'ms',
      'dispatcher start to delivery, p99 over the backlog',
    );
  } finally {
    abort.abort();
    await running;
    listenClient.release();
    server.close();
    await handle.close();
    await database.drop();
  }
}

async function commit(db: Db, orderId: string, first: boolean): Promise<string> {
  return db.transaction().execute((trx) =>
    appendEvent(trx, {
      type: first ? 'order.created' : 'order.updated',
      aggregateType: 'order',
      aggregateId: orderId,
      payload: { orderId, lines: [{ sku: 'SKU-1', quantity: 1 }] },
    }),
  );
}

function lagsOf(committed: Map<string, number>, arrived: Map<string, number>): number[] {
  return [...committed].map(([id, at]) => Math.max(0, arrived.get(id)! - at));
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
