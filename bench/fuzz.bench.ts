import { createDb } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { type CampaignReport, type RouteTally, runCampaign } from '../test/support/fuzz-campaign.ts';
import { prepareFuzzTarget } from '../test/support/fuzz-target.ts';
import { sampleRequests } from '../test/support/openapi-arbitraries.ts';
import { rawSocketFuzz } from '../test/support/raw-socket-fuzz.ts';
import { startServer } from '../test/support/server-process.ts';
import type { BenchContext } from './harness/bench-context.ts';
import { createBenchDatabase } from './harness/bench-database.ts';

/** Requests are generated and sent in chunks, so memory stays flat however long the run. */
const CHUNK = 2_000;

function option(args: string[], name: string, fallback: number): number {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const arg = args[i] as string;
  const value = Number(arg.includes('=') ? arg.split('=')[1] : args[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

/**
 * The fuzz campaign at length: `npm run bench -- fuzz [--requests 100000] [--seed N] [--raw 5000] [--batch 32]`.
 * Requests from the OpenAPI-derived arbitraries go to the app in process (all routes, mostly
 * near-valid, wrong in one way); then random and near-HTTP bytes go over TCP to a real server
 * process. Every figure that must be 0 says so.
 */
export default async function fuzzBench(ctx: BenchContext): Promise<void> {
  const total = option(ctx.args, 'requests', 100_000);
  const seed = option(ctx.args, 'seed', Date.now() % 1_000_000);
  const rawConnections = option(ctx.args, 'raw', 5_000);
  const batchSize = option(ctx.args, 'batch', 32);
  ctx.log(
    `fuzz: ${total} requests, seed ${seed} (rerun with --seed ${seed}), ${rawConnections} raw connections`,
  );

  const database = await createBenchDatabase('fuzz');
  const handle = createDb(database.url, 10);
  try {
    await migrateToLatest(handle.db);
    const target = await prepareFuzzTarget(handle.db, database.url);
    const perRoute = new Map<string, RouteTally>();
    const failures: string[] = [];
    const stateChanges: string[] = [];
    let sent = 0;
    let checked = 0;
    let elapsedMs = 0;
    const merge = (r: CampaignReport) => {
      for (const f of [...r.failures, ...r.stateChanges]) ctx.log(`FAIL ${f}`); // as found: a long run shows them early
      sent += r.sent;
      checked += r.rejectedChecked;
      elapsedMs += r.elapsedMs;
      failures.push(...r.failures);
      stateChanges.push(...r.stateChanges);
      for (const [label, t] of r.perRoute) {
        const into = perRoute.get(label) ?? { sent: 0, s2xx: 0, s4xx: 0, s5xx: 0, other: 0 };
        for (const k of Object.keys(t) as (keyof RouteTally)[]) into[k] += t[k];
        perRoute.set(label, into);
      }
    };
    try {
      for (let chunk = 0; sent < total; chunk++) {
        const requests = sampleRequests(
          target.ops,
          target.ctx,
          Math.min(CHUNK, total - sent),
          seed + chunk * 7_919,
        );
        merge(
          await runCampaign({
            requests,
            send: target.send,
            digest: target.digest,
            batchSize,
            maxFailures: 50,
          }),
        );
        if (chunk % 5 === 4)
          ctx.log(`  ${sent} sent, ${failures.length} failures, ${stateChanges.length} state changes`);
      }
    } finally {
      await target.close();
    }
    const rows = [...perRoute].sort((a, b) => a[0].localeCompare(b[0]));
    ctx.log('route | sent | 2xx | 4xx | 5xx | other');
    for (const [label, t] of rows)
      ctx.log(`${label} | ${t.sent} | ${t.s2xx} | ${t.s4xx} | ${t.s5xx} | ${t.other}`);
    const sum = (k: keyof RouteTally) => rows.reduce((s, [, t]) => s + t[k], 0);

    ctx.report('requests', sent, 'count', `seed ${seed}`);
    ctx.report('routes', rows.length, 'count', 'every route of the route table');
    ctx.report('min_requests_per_route', Math.min(...rows.map(([, t]) => t.sent)), 'count');
    ctx.report('responses_2xx', sum('s2xx'), 'count');
    ctx.report('responses_4xx', sum('s4xx'), 'count', 'each a problem+json with a registered code');
    ctx.report('responses_5xx', sum('s5xx'), 'count', 'must be 0');
    ctx.report(
      'oracle_failures',
      failures.length,
      'count',
      'must be 0 (5xx, or a 4xx that is not a registered problem)',
    );
    ctx.report(
      'state_changes',
      stateChanges.length,
      'count',
      'must be 0: batches of rejected requests that changed state',
    );
    ctx.report(
      'rejected_checked',
      checked,
      'count',
      'rejected requests in batches checked for state changes',
    );
    ctx.report(
      'requests_per_s',
      Math.round(sent / (elapsedMs / 1000)),
      '1/s',
      'in process, including state digests',
    );

    const server = await startServer({
      DATABASE_URL: database.url,
      ORDERGRID_ADMIN_KEY: target.ctx.keys.byRole.admin as string,
      ORDERGRID_WORKER: 'false',
      ORDERGRID_DEMO: 'false',
    });
    try {
      const raw = await rawSocketFuzz({ port: server.port, connections: rawConnections, seed });
      const crashed = server.proc.exitCode !== null ? 1 : 0;
      ctx.report('raw_connections', raw.connections, 'count', 'random and near-HTTP bytes over TCP');
      ctx.report('raw_answered', raw.answered, 'count');
      ctx.report(
        'raw_violations',
        raw.problemViolations,
        'count',
        'must be 0 (5xx, or a 4xx not problem+json)',
      );
      ctx.report('raw_unhealthy_checks', raw.unhealthy, 'count', 'must be 0');
      ctx.report('crashes', crashed, 'count', 'must be 0');
      for (const e of raw.examples) ctx.log(`RAW ${e}`);
    } finally {
      await server.stop('SIGTERM');
    }
  } finally {
    await handle.close();
    await database.drop();
  }
}
