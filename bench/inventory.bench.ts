import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { feedRowsFromCsv } from '../src/inventory/feed-input.ts';
import { applyFeed } from '../src/inventory/feed-service.ts';
import { verifyLedger } from '../src/inventory/ledger-verifier.ts';
import type { Db } from '../src/platform/db/database.ts';
import { runReadSide } from './availability/read-side.ts';
import type { Bench, BenchContext } from './harness/bench-context.ts';
import { median } from './harness/bench-context.ts';
import { openBenchDatabase } from './inventory/bench-database.ts';
import { option } from './inventory/bench-options.ts';
import { ceilingRate, makeOrders, serviceRate } from './inventory/reservation-workload.ts';

/**
 * Every inventory figure of the issue, from one command:
 *
 *   npm run bench -- inventory [--json] [--orders N] [--concurrency C] [--reservation-runs R]
 *     [--feed-rows 1000000] [--feed-runs R] [--skip-feed] [--skip-reservations] [--skip-read-side]
 *     and the read side's own options (see bench/availability/read-side.ts: --runs, --seconds,
 *     --changes, --connections, --pipelining, --skip-http)
 *
 * Reservations: 3-line orders through the service layer versus the bare SQL ceiling (the same
 * guarded updates, one statement per order, same concurrency), alternating runs, medians. The
 * service batches concurrent requests (group commit); its rate with batching off is reported too.
 * Read side: availability look-ups in-process and over HTTP, and index staleness.
 * Feed: CSV files of 100,000 and N receipt rows, and N counts, onto existing positions, parsed,
 * validated and applied through the feed service (COPY into staging + set-based SQL); the first
 * load of N rows (creating the positions) is reported apart. The load average is reported with
 * the figures.
 */
async function seedNetwork(db: Db, nodes: number, skus: number) {
  await sql`
    INSERT INTO nodes (id, kind, name, lat, lon, timezone, capabilities, handling_cost, cutoff_time, processing_days, status)
    SELECT 'BN-' || g, 'warehouse', 'Bench ' || g, 40, -90, 'America/Chicago', '{ship}', 1, '17:00', 0, 'online'
    FROM generate_series(1, ${nodes}) g`.execute(db);
  await sql`
    INSERT INTO items (sku, name, weight_lb, size_class)
    SELECT 'BS-' || g, 'Bench item ' || g, 1, 'small' FROM generate_series(1, ${skus}) g`.execute(db);
}

const bench: Bench = async (ctx) => {
  ctx.report(
    'load_average_start',
    Math.round(loadavg()[0]! * 10) / 10,
    '1-min',
    'machine load before the runs',
  );
  if (!ctx.args.includes('--skip-reservations') || !ctx.args.includes('--skip-feed')) await writeSide(ctx);
  if (!ctx.args.includes('--skip-read-side')) await runReadSide(ctx);
  ctx.report('load_average_end', Math.round(loadavg()[0]! * 10) / 10, '1-min', 'machine load after the runs');
};

async function writeSide(ctx: BenchContext): Promise<void> {
  const orders = option(ctx.args, 'orders', 3_000);
  const concurrency = option(ctx.args, 'concurrency', 32);
  const runs = option(ctx.args, 'reservation-runs', 3);
  const feedRows = option(ctx.args, 'feed-rows', 1_000_000);
  const feedRuns = option(ctx.args, 'feed-runs', 1);

  const database = await openBenchDatabase(concurrency + 2);
  const db = database.handle.db;
  try {
    ctx.log(`database: ${database.where}`);
    const nodeIds = Array.from({ length: 20 }, (_, i) => `BN-${i + 1}`);
    const skus = Array.from({ length: 250 }, (_, i) => `BS-${i + 1}`);
    await seedNetwork(db, 100, Math.max(10_000, Math.ceil(feedRows / 100)));
    const stock = nodeIds.flatMap((nodeId) =>
      skus.map((sku) => ({
        kind: 'receipt' as const,
        nodeId,
        sku,
        quantity: 1_000_000,
        source: 'bench',
        sourceId: `open:${nodeId}:${sku}`,
        sequence: 1,
        asOf: null,
        reason: null,
        correlationId: null,
      })),
    );
    await applyFeed(db, stock, { bulk: true });

    if (!ctx.args.includes('--skip-reservations'))
      await reservations(ctx, db, { orders, concurrency, runs, nodeIds, skus });
    if (!ctx.args.includes('--skip-feed')) await feeds(ctx, db, feedRows, feedRuns);
  } finally {
    await database.drop();
  }
}

async function reservations(
  ctx: BenchContext,
  db: Db,
  o: { orders: number; concurrency: number; runs: number; nodeIds: string[]; skus: string[] },
): Promise<void> {
  const service: number[] = [];
  const unbatched: number[] = [];
  const ceiling: number[] = [];
  for (let run = 0; run < o.runs; run++) {
    const work = makeOrders(o.orders, o.nodeIds, o.skus, 1 + run);
    service.push(await serviceRate(db, work, o.concurrency, `run${run}`));
    ceiling.push(await ceilingRate(db, makeOrders(o.orders, o.nodeIds, o.skus, 101 + run), o.concurrency));
    const alone = makeOrders(o.orders, o.nodeIds, o.skus, 201 + run);
    unbatched.push(await serviceRate(db, alone, o.concurrency, `alone${run}`, false));
    ctx.log(
      `run ${run + 1}: service ${service.at(-1)?.toFixed(0)}/s, ceiling ${ceiling.at(-1)?.toFixed(0)}/s, service without batching ${unbatched.at(-1)?.toFixed(0)}/s`,
    );
  }
  const ratios = service.map((s, i) => s / ceiling[i]!);
  ctx.report(
    'reservations_unbatched_per_s',
    median(unbatched),
    'orders/s',
    'the service with every order written by its own statement (no group commit)',
  );
  ctx.report(
    'unbatched_ceiling_ratio',
    median(unbatched.map((s, i) => s / ceiling[i]!)),
    'ratio',
    'median of per-run ratios, batching off',
  );
  ctx.report(
    'reservations_per_s',
    median(service),
    'orders/s',
    `3-line orders, concurrency ${o.concurrency}`,
  );
  ctx.report('ceiling_per_s', median(ceiling), 'orders/s', 'bare guarded UPDATE, one statement per order');
  ctx.report(
    'reservations_ceiling_ratio',
    median(ratios),
    'ratio',
    'median of per-run ratios; target >= 0.6',
  );
  // The ceiling's updates have no ledger rows: put them back before checking the invariants.
  await sql`
    UPDATE inventory_positions p SET reserved = coalesce(
      (SELECT sum(quantity)::int FROM reservations r WHERE r.status = 'open' AND r.node_id = p.node_id AND r.sku = p.sku), 0)
    WHERE reserved > 0`.execute(db);
  const verified = await verifyLedger(db);
  if (!verified.ok) throw new Error(`the ledger does not verify: ${verified.breaches.length} breaches`);
  ctx.log('ledger after the service runs: verifies');
}

/**
 * A CSV of `rows` receipts (or counts taken a minute ago: a store's nightly snapshot) over
 * positions BN-(i % 100) x BS-(i / 100), each source id new.
 */
function feedCsv(rows: number, tag: string, sequence: number, kind: 'receipt' | 'count' = 'receipt'): string {
  const lines = ['kind,nodeId,sku,quantity,source,sourceId,sequence,asOf'];
  const asOf = kind === 'count' ? new Date(Date.now() - 60_000).toISOString() : '';
  for (let i = 0; i < rows; i++) {
    const quantity = kind === 'count' ? 500 + (i % 11) : 1 + (i % 7);
    lines.push(
      `${kind},BN-${(i % 100) + 1},BS-${Math.floor(i / 100) + 1},${quantity},erp,${tag}-${i},${sequence},${asOf}`,
    );
  }
  return lines.join('\n');
}

/** Seconds from the CSV text to the committed import (parse, validation, COPY, apply). */
async function importCsv(ctx: BenchContext, db: Db, csv: string, label: string): Promise<number> {
  const started = performance.now();
  const report = await applyFeed(db, feedRowsFromCsv(csv), { bulk: true });
  const seconds = (performance.now() - started) / 1000;
  ctx.log(
    `feed ${label}: ${report.applied} rows in ${seconds.toFixed(1)} s (${(csv.length / 1e6).toFixed(0)} MB CSV, load average ${loadavg()[0]!.toFixed(1)})`,
  );
  return seconds;
}

/**
 * The first load creates the positions; the measured imports update them, as a nightly feed does:
 * `rows` rows (median of `runs`), and 100,000 rows.
 */
async function feeds(ctx: BenchContext, db: Db, rows: number, runs: number): Promise<void> {
  let sequence = 1;
  const firstLoad = await importCsv(ctx, db, feedCsv(rows, 'first', sequence++), `first load of ${rows}`);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    times.push(
      await importCsv(ctx, db, feedCsv(rows, `full${run}`, sequence++), `${rows} (${run + 1}/${runs})`),
    );
  }
  const small = Math.min(100_000, rows);
  const smallSeconds = await importCsv(ctx, db, feedCsv(small, 'small', sequence++), String(small));
  const countSeconds = await importCsv(
    ctx,
    db,
    feedCsv(rows, 'counts', sequence++, 'count'),
    `${rows} counts`,
  );
  const seconds = median(times);
  ctx.report(
    'feed_rows_per_s',
    Math.round(rows / seconds),
    'rows/s',
    `${rows} CSV rows onto existing positions`,
  );
  ctx.report(
    rows === 1_000_000 ? 'feed_million_s' : 'feed_seconds',
    Math.round(seconds * 10) / 10,
    's',
    `${rows} rows, CSV text to commit; target well under 60 s for 1,000,000`,
  );
  ctx.report(
    'feed_100k_rows_per_s',
    Math.round(small / smallSeconds),
    'rows/s',
    `${small} rows onto existing positions`,
  );
  ctx.report(
    rows === 1_000_000 ? 'feed_counts_million_s' : 'feed_counts_seconds',
    Math.round(countSeconds * 10) / 10,
    's',
    `${rows} counts (a nightly snapshot) onto existing positions, CSV text to commit`,
  );
  ctx.report(
    'feed_first_load_s',
    Math.round(firstLoad * 10) / 10,
    's',
    `${rows} rows creating as many positions`,
  );
  ctx.report(
    'feed_load_average',
    Math.round(loadavg()[0]! * 10) / 10,
    '1-min',
    'machine load after the feeds',
  );
}

export default bench;
