import { sql } from 'kysely';
import { sequenceAll } from '../../src/events/sequencer.ts';
import { createDb } from '../../src/platform/db/database.ts';
import { checkState, eventLog, pendingWork, type StateFindings, waitingBySku } from './crash-checks.ts';
import {
  feedClient,
  LoadClient,
  LoadStats,
  type LoadWorld,
  nodeWorkClient,
  orderClient,
  seededRandom,
  sleep,
} from './crash-load.ts';
import { item, storeNode } from './fixtures.ts';
import { type ClusterServer, ServerCluster } from './server-cluster.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

export interface CrashOptions {
  /** An empty or migrated database, used by this run alone. */
  databaseUrl: string;
  processes?: number;
  /** SIGKILLs to deliver (each followed by a restart). */
  kills: number;
  /** Stop killing after this long even if fewer kills were made. */
  maxSeconds?: number;
  /** Pause between kills, ms (uniform in the range). */
  gapMs?: [number, number];
  orderClients?: number;
  seed?: number;
  /** How long the survivors get to finish the pending work and deliveries. */
  settleTimeoutMs?: number;
  poolSize?: number;
  log?: (message: string) => void;
}

export interface CrashReport extends StateFindings {
  /** Orders answered with a 2xx. */
  acknowledged: number;
  /** Orders whose every attempt failed (they may or may not exist; both are correct). */
  unacknowledged: number;
  resubmits: number;
  kills: number;
  killsWithRequestsInFlight: number;
  restarts: number;
  requests: number;
  errors: Record<string, number>;
  receipts: number;
  counts: number;
  foActions: number;
  /** Fulfilment orders whose SLA ran out during the run; all must be withdrawn and re-routed. */
  slaDue: number;
  slaExpired: number;
  /** Allocations of waiting orders made by the timers after stock arrived. */
  backorderAllocations: number;
  /** After settling: both must be 0. */
  overdueSla: number;
  waitingUnits: number;
  events: number;
  webhookMissing: number;
  webhookOutOfOrder: number;
  /** Events delivered more than once (at-least-once: a process killed after sending, before recording). */
  webhookRedelivered: number;
  /** Events the deliveries log shows as delivered twice (must be 0). */
  webhookLoggedTwice: number;
  badSignatures: number;
  /** Processes that exited without being killed (must be 0). */
  unexpectedExits: number;
  loadSeconds: number;
  settleSeconds: number;
}

/** Figures of a crash run that must be 0 for it to pass. */
export const MUST_BE_ZERO = [
  'lost',
  'duplicated',
  'oversold',
  'reservationMismatches',
  'allocationMismatches',
  'badPositions',
  'ledgerBreaches',
  'overdueSla',
  'waitingUnits',
  'webhookMissing',
  'webhookOutOfOrder',
  'webhookLoggedTwice',
  'badSignatures',
  'unexpectedExits',
] as const;

/** The checks a run failed: non-zero figures above, SLA expiries left undone, and any 5xx but 503. */
export function failedChecks(r: CrashReport): string[] {
  const failed: string[] = MUST_BE_ZERO.filter((k) => r[k] !== 0).map((k) => `${k}=${r[k]}`);
  if (r.slaExpired !== r.slaDue) failed.push(`slaExpired=${r.slaExpired} of slaDue=${r.slaDue}`);
  // A crash is never a bug's 500: a client sees a dropped connection or a 503 to retry.
  for (const kind of Object.keys(r.errors))
    if (kind.startsWith('http-5') && !kind.startsWith('http-503')) failed.push(`${kind}=${r.errors[kind]}`);
  return failed;
}

const ADMIN_KEY = 'og_crash_harness_admin_key_0123456789abcdef';
const WAREHOUSES: [string, number, number][] = [
  ['CR-DC1', 40.73, -74.17],
  ['CR-DC2', 34.05, -118.24],
];
const COUNT_STORE: [string, number, number] = ['CR-ST1', 41.88, -87.63];
/** A store that never accepts its work: its fulfilment orders run out of SLA and are routed again. */
const SLOW_STORE: [string, number, number] = ['CR-SLOW', 29.76, -95.37];

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await sleep(500);
  }
}

/**
 * Several `ordergrid serve` processes on one database under steady load (orders with resubmits,
 * receipts and counts, node work, a webhook receiver subscribed to everything), SIGKILLed at
 * random moments and restarted; then the load stops, the survivors settle, and the end state is
 * checked. The test (short) and the bench (long) both run this.
 */
export async function runCrashHarness(options: CrashOptions): Promise<CrashReport> {
  const t0 = Date.now();
  const log = (m: string) => options.log?.(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}`);
  const processes = options.processes ?? 3;
  const [gapMin, gapMax] = options.gapMs ?? [1_500, 4_000];
  const random = seededRandom(options.seed ?? Date.now());
  const cluster = new ServerCluster(ADMIN_KEY, 32);
  const env = { ORDERGRID_WORKER: 'true', DATABASE_POOL_SIZE: String(options.poolSize ?? 6) };
  const handle = createDb(options.databaseUrl, 3);
  const receiver = new WebhookReceiver();
  const stats = new LoadStats();
  const client = new LoadClient(cluster, stats, random);
  const runId = `CR${Date.now().toString(36)}`;
  const world: LoadWorld = {
    runId,
    workedNodes: [...WAREHOUSES.map((w) => w[0]), COUNT_STORE[0]],
    receiptNodes: [...WAREHOUSES.map((w) => w[0]), SLOW_STORE[0]],
    countNode: COUNT_STORE[0],
    skus: Array.from({ length: 8 }, (_, i) => `CR-SKU-${i}`),
  };
  const must = async (method: string, path: string, body?: unknown) => {
    const res = await client.send(method, path, body, 20);
    if (!res)
      throw new Error(
        `${method} ${path} failed: ${JSON.stringify(stats.errors)} ${JSON.stringify(stats.lastProblem)}`,
      );
    return res;
  };
  try {
    // The first process migrates an empty database; the others start on the migrated one.
    await cluster.start(options.databaseUrl, env);
    await Promise.all(Array.from({ length: processes - 1 }, () => cluster.start(options.databaseUrl, env)));
    log(`${processes} processes up`);

    const hook = await must('POST', '/v1/webhooks', {
      url: await receiver.start(),
      eventTypes: ['*'],
      secret: receiver.secret,
    });
    const cursor = Number((hook.json.webhook as { cursor: number }).cursor);
    for (const [id, lat, lon] of [...WAREHOUSES, COUNT_STORE, SLOW_STORE]) {
      const kind = id.includes('DC') ? 'warehouse' : 'store';
      await must(
        'PUT',
        `/v1/nodes/${id}`,
        storeNode({ kind, lat, lon, dailyCapacity: null, cutoffTime: '23:59' }),
      );
    }
    for (const sku of world.skus) await must('PUT', `/v1/items/${sku}`, item());
    await must(
      'POST',
      '/v1/inventory/adjustments',
      world.receiptNodes.flatMap((nodeId) =>
        world.skus.map((sku) => ({
          kind: 'receipt',
          nodeId,
          sku,
          quantity: 2,
          source: 'crash-setup',
          sourceId: `${runId}-${nodeId}-${sku}`,
          asOf: new Date().toISOString(),
        })),
      ),
    );
    await sleep(300);

    // ---- load and kills ----------------------------------------------------------------------
    const stop = { stopped: false };
    let n = 0;
    const clients = [
      ...Array.from({ length: options.orderClients ?? 4 }, () => orderClient(client, world, () => n++, stop)),
      feedClient(client, world, stop),
      nodeWorkClient(client, world, stop),
      nodeWorkClient(client, world, stop),
    ];
    const slaDue = new Set<string>();
    const slaClock = (async () => {
      while (!stop.stopped) {
        await sleep(2_000);
        // The SLA clock runs out: released work at the slow store becomes due in 2 s.
        const { rows } = await sql<{ id: string }>`
          UPDATE fulfilment_orders SET accept_by = now() + interval '2 seconds'
          WHERE node_id = ${SLOW_STORE[0]} AND status = 'released' AND accept_by > now() + interval '1 minute'
          RETURNING id`.execute(handle.db);
        for (const r of rows) slaDue.add(r.id);
      }
    })();

    const loadStarted = Date.now();
    const maxMs = (options.maxSeconds ?? 3_600) * 1_000;
    let kills = 0;
    let killsInFlight = 0;
    let restarts = 0;
    const restarting: Promise<void>[] = [];
    while (kills < options.kills && Date.now() - loadStarted < maxMs) {
      await sleep(gapMin + random() * (gapMax - gapMin));
      const up = cluster.servers.filter((s) => s.up);
      if (up.length < 2) continue; // keep one process answering
      // Half the time, wait for a process with requests in flight and kill that one.
      let victim: ClusterServer = up[Math.floor(random() * up.length)]!;
      if (random() < 0.5) {
        const busy = up.filter((s) => (stats.inflight.get(s) ?? 0) > 0);
        if (busy.length) victim = busy[Math.floor(random() * busy.length)]!;
      }
      if ((stats.inflight.get(victim) ?? 0) > 0) killsInFlight++;
      await cluster.kill(victim, 'SIGKILL');
      kills++;
      log(`kill ${kills}: process on port ${victim.port}`);
      restarting.push(
        (async () => {
          await sleep(random() * 1_000);
          await cluster.restart(victim);
          restarts++;
        })(),
      );
    }
    await Promise.all(restarting);
    await sleep(1_000);
    stop.stopped = true;
    await Promise.all([...clients, slaClock]);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`load stopped after ${loadSeconds.toFixed(1)} s: ${stats.acknowledged.size} orders acknowledged`);

    // ---- settle: pending work resumes -------------------------------------------------------
    const settleStarted = Date.now();
    const settleMs = options.settleTimeoutMs ?? 90_000;
    const left = () => Math.max(1_000, settleMs - (Date.now() - settleStarted));
    await waitFor(
      () => pendingWork(handle.db, 2_000),
      (p) => p.overdueSla === 0,
      left(),
    );
    log('SLA timers caught up');
    // Stock arrives for every backorder: the timers must allocate them all.
    for (let round = 0; ; round++) {
      const waiting = await waitingBySku(handle.db);
      if (waiting.size === 0 || Date.now() - settleStarted > settleMs) break;
      await must(
        'POST',
        '/v1/inventory/adjustments',
        [...waiting].map(([sku, quantity]) => ({
          kind: 'receipt',
          nodeId: WAREHOUSES[0]![0],
          sku,
          quantity,
          source: 'crash-final',
          sourceId: `${runId}-final-${round}-${sku}`,
          asOf: new Date().toISOString(),
        })),
      );
      await waitFor(
        () => pendingWork(handle.db, 2_000),
        (p) => p.waitingUnits === 0,
        10_000,
      );
    }
    log('backorders allocated');
    const delivered = await waitFor(
      async () => {
        await sequenceAll(handle.db);
        const got = receiver.ids();
        return (await eventLog(handle.db, cursor)).ids.filter((id) => !got.has(id)).length;
      },
      (missing) => missing === 0,
      left(),
    );
    const settleSeconds = (Date.now() - settleStarted) / 1000;
    log(`settled in ${settleSeconds.toFixed(1)} s (${delivered} events undelivered)`);

    // ---- the end state ----------------------------------------------------------------------
    await sequenceAll(handle.db);
    const events = await eventLog(handle.db, cursor);
    const got = receiver.ids();
    const pending = await pendingWork(handle.db, 2_000);
    const state = await checkState(handle.db, runId, stats.acknowledged);
    const expired = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM fulfilment_orders
      WHERE id = ANY(${[...slaDue]}::uuid[]) AND status = 'withdrawn' AND reason = 'sla-expired'`.execute(
      handle.db,
    );
    const backorders = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM order_decisions WHERE trigger = 'backorder'`.execute(handle.db);
    return {
      acknowledged: stats.acknowledged.size,
      ...state,
      unacknowledged: stats.unacknowledged.size,
      resubmits: stats.resubmits,
      kills,
      killsWithRequestsInFlight: killsInFlight,
      restarts,
      requests: stats.requests,
      errors: stats.errors,
      receipts: stats.receipts,
      counts: stats.counts,
      foActions: stats.foActions,
      slaDue: slaDue.size,
      slaExpired: expired.rows[0]?.n ?? 0,
      backorderAllocations: backorders.rows[0]?.n ?? 0,
      overdueSla: pending.overdueSla,
      waitingUnits: pending.waitingUnits,
      events: events.ids.length,
      webhookMissing: events.ids.filter((id) => !got.has(id)).length,
      webhookOutOfOrder: receiver.outOfOrder().length,
      webhookRedelivered: receiver.redeliveries(),
      webhookLoggedTwice: events.loggedTwice,
      badSignatures: receiver.badSignatures,
      unexpectedExits: cluster.servers.reduce((t, s) => t + s.unexpectedExits, 0),
      loadSeconds,
      settleSeconds,
    };
  } catch (err) {
    const tails = cluster.servers.map((s, i) => `--- process ${i}:\n${s.log.join('').slice(-3_000)}`);
    throw new Error(`${(err as Error).message}\n${tails.join('\n')}`);
  } finally {
    await cluster.stopAll();
    await receiver.stop();
    await handle.close();
  }
}
