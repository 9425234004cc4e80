import { sql } from 'kysely';
import { feedRowsFromCsv } from '../src/inventory/feed-input.ts';
import { applyFeed } from '../src/inventory/feed-service.ts';
import { verifyLedger } from '../src/inventory/ledger-verifier.ts';
import type { Bench } from './harness/bench-context.ts';
import { median } from './harness/bench-context.ts';
import { openBenchDatabase } from './inventory/bench-database.ts';
import { ceilingRate, makeOrders, serviceRate } from './inventory/reservation-workload.ts';

/**
 * `npm run bench -- inventory [--orders N] [--concurrency C] [--runs R] [--feed-rows N] [--feed-runs R]`
 *
 * Reservations: 3-line orders through the service layer versus the bare SQL ceiling (the same
 * guarded updates, one statement per order, same concurrency), alternating runs, medians.
 * Feed: a CSV of N receipt rows over N new positions, parsed, validated and applied through the
 * feed service (COPY into staging + set-based SQL).
 */
function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

async function seedNetwork(db: import('../src/platform/db/database.ts').Db, nodes: number, skus: number) {
  await sql`
    INSERT INTO nodes (id, kind, name, lat, lon, timezone, capabilities, handling_cost, cutoff_time, processing_days, status)
    SELECT 'BN-' || g, 'warehouse', 'Bench ' || g, 40, -90, 'America/Chicago', '{ship}', 1, '17:00', 0, 'online'
    FROM generate_series(1, ${nodes}) g`.execute(db);
  await sql`
    INSERT INTO items (sku, name, weight_lb, size_class)
    SELECT 'BS-' || g, 'Bench item ' || g, 1, 'small' FROM generate_series(1, ${skus}) g`.execute(db);
}

const bench: Bench = async (ctx) => {
  const orders = option(ctx.args, 'orders', 3_000);
  const concurrency = option(ctx.args, 'concurrency', 32);
  const runs = option(ctx.args, 'runs', 3);
  const feedRows = option(ctx.args, 'feed-rows', 1_000_000);
  const feedRuns = option(ctx.args, 'feed-runs', 1);

  const database = await openBenchDatabase(concurrency + 2);
  const db = database.handle.db;
  try {
    ctx.log(`database: ${database.where}`);
    const nodeIds = Array.from({ length: 20 }, (_, i) => `BN-${i + 1}`);
    const skus = Array.from({ length: 250 }, (_, i) => `BS-${i + 1}`);
    await seedNetwork(db, 100, 10_000);
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

    const service: number[] = [];
    const ceiling: number[] = [];
    for (let run = 0; run < runs; run++) {
      const work = makeOrders(orders, nodeIds, skus, 1 + run);
      service.push(await serviceRate(db, work, concurrency, `run${run}`));
      ceiling.push(await ceilingRate(db, makeOrders(orders, nodeIds, skus, 101 + run), concurrency));
      ctx.log(
        `run ${run + 1}: service ${service.at(-1)?.toFixed(0)}/s, ceiling ${ceiling.at(-1)?.toFixed(0)}/s`,
      );
    }
    const ratios = service.map((s, i) => s / ceiling[i]!);
    ctx.report(
      'reservations_per_s',
      median(service),
      'orders/s',
      `3-line orders, concurrency ${concurrency}`,
    );
    ctx.report('ceiling_per_s', median(ceiling), 'orders/s', 'bare guarded UPDATE, one statement per order');
    ctx.report('reservations_ceiling_ratio', median(ratios), 'ratio', 'target >= 0.6');
    // The ceiling's updates have no ledger rows: put them back before checking the invariants.
    await sql`
      UPDATE inventory_positions p SET reserved = coalesce(
        (SELECT sum(quantity)::int FROM reservations r WHERE r.status = 'open' AND r.node_id = p.node_id AND r.sku = p.sku), 0)
      WHERE reserved > 0`.execute(db);
    const verified = await verifyLedger(db);
    ctx.log(
      `ledger after the service runs: ${verified.ok ? 'verifies' : `${verified.breaches.length} breaches`}`,
    );

    // The first import creates the positions; the measured ones update them, as a nightly feed does.
    const csvFor = (run: number) => {
      const lines = ['kind,nodeId,sku,quantity,source,sourceId,sequence'];
      for (let i = 0; i < feedRows; i++) {
        lines.push(
          `receipt,BN-${(i % 100) + 1},BS-${Math.floor(i / 100) + 1},${1 + (i % 7)},erp,f${run}-${i},${run + 1}`,
        );
      }
      return lines.join('\n');
    };
    const importOnce = async (run: number) => {
      const csv = csvFor(run);
      const started = performance.now();
      const report = await applyFeed(db, feedRowsFromCsv(csv), { bulk: true });
      const seconds = (performance.now() - started) / 1000;
      ctx.log(
        `feed ${run}: ${report.applied} rows in ${seconds.toFixed(1)} s (${(csv.length / 1e6).toFixed(0)} MB CSV)`,
      );
      return seconds;
    };
    const firstLoad = await importOnce(0);
    const times: number[] = [];
    for (let run = 1; run <= feedRuns; run++) times.push(await importOnce(run));
    ctx.report(
      'feed_rows_per_s',
      feedRows / median(times),
      'rows/s',
      `${feedRows} CSV rows onto existing positions`,
    );
    ctx.report('feed_seconds', median(times), 's', `${feedRows} rows; target well under 60`);
    ctx.report('feed_first_load_seconds', firstLoad, 's', `${feedRows} rows creating as many positions`);
  } finally {
    await database.drop();
  }
};

export default bench;
