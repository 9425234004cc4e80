import { failedChecks, runCrashHarness } from '../test/support/crash-harness.ts';
import type { BenchContext } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

function option(ctx: BenchContext, name: string, fallback: number): number {
  const i = ctx.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const arg = ctx.args[i]!;
  const value = Number(arg.includes('=') ? arg.split('=')[1] : ctx.args[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/**
 * The crash harness at length: `npm run bench -- crash [--json] [--kills N] [--seconds S]
 * [--processes P] [--seed X]`. Three processes on a fresh database (BENCH_DATABASE_URL, default
 * the local PostgreSQL), steady load, N SIGKILLs with restarts (or until S seconds), then the end
 * state. lost, duplicated, oversold and failed_checks must be 0.
 */
export default async function crash(ctx: BenchContext): Promise<void> {
  const kills = option(ctx, 'kills', 30);
  const seconds = option(ctx, 'seconds', 600);
  const seed = option(ctx, 'seed', Date.now() % 1_000_000);
  const database = await createBenchDatabase('crash');
  ctx.log(`crash: ${kills} kills (at most ${seconds} s of load), seed ${seed}`);
  try {
    const r = await runCrashHarness({
      databaseUrl: database.url,
      processes: option(ctx, 'processes', 3),
      kills,
      maxSeconds: seconds,
      seed,
      settleTimeoutMs: 180_000,
      log: ctx.log,
    });
    ctx.report('acknowledged', r.acknowledged, 'orders', `${r.unacknowledged} never acknowledged`);
    ctx.report('lost', r.lost, 'orders', 'must be 0');
    ctx.report('duplicated', r.duplicated, 'orders', 'must be 0');
    ctx.report('oversold', r.oversold, 'units', 'must be 0');
    ctx.report('kills', r.kills, 'SIGKILL', `${r.killsWithRequestsInFlight} with requests in flight`);
    ctx.report('restarts', r.restarts, 'processes');
    ctx.report('requests', r.requests, 'requests', `${r.loadSeconds.toFixed(0)} s of load`);
    for (const [kind, n] of Object.entries(r.errors).sort()) ctx.report(`errors.${kind}`, n, 'requests');
    ctx.report('reservation_mismatches', r.reservationMismatches, 'reservations', 'must be 0');
    ctx.report('allocation_mismatches', r.allocationMismatches, 'lines', 'must be 0');
    ctx.report('bad_positions', r.badPositions, 'positions', 'must be 0');
    ctx.report('ledger_breaches', r.ledgerBreaches, 'breaches', 'must be 0');
    ctx.report('sla_expired', r.slaExpired, 'fulfilment orders', `of ${r.slaDue} due`);
    ctx.report('backorder_allocations', r.backorderAllocations, 'allocations');
    ctx.report('waiting_units', r.waitingUnits, 'units', 'after settling; must be 0');
    ctx.report('webhook_events', r.events, 'events');
    ctx.report('webhook_missing', r.webhookMissing, 'events', 'must be 0');
    ctx.report('webhook_out_of_order', r.webhookOutOfOrder, 'aggregates', 'must be 0');
    ctx.report('webhook_redelivered', r.webhookRedelivered, 'deliveries', 'at-least-once');
    ctx.report('unexpected_exits', r.unexpectedExits, 'processes', 'must be 0');
    ctx.report('settle', r.settleSeconds, 's', 'pending work and deliveries finished');
    const failed = failedChecks(r);
    if (failed.length) ctx.log(`failed checks: ${failed.join(', ')}`);
    ctx.report('failed_checks', failed.length, 'checks', 'must be 0');
  } finally {
    await database.drop();
  }
}
