import { sql } from 'kysely';
import type { OrderDeps } from '../orders/order-capture.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { actOnFo } from './node-work.ts';
import { reallocateOrder } from './reallocation.ts';

const SYSTEM = { actor: 'system:fulfilment' };

async function withdraw(deps: OrderDeps, id: string, reason: string, now: Date): Promise<boolean> {
  try {
    await actOnFo(deps, id, { action: 'withdraw', body: { reason } }, null, SYSTEM, now);
    return true;
  } catch (err) {
    // The node acted first (accepted, shipped...): nothing to withdraw any more.
    if (err instanceof AppError && err.code === 'illegal-transition') return false;
    throw err;
  }
}

/**
 * SLA timer: every fulfilment order released and not accepted by its `accept_by` is withdrawn and
 * its units routed again without that node. Safe to run anywhere, any number of times: each
 * withdrawal is a conditional transition from `released`, so only one run wins per order.
 */
export async function expireUnaccepted(deps: OrderDeps, now = new Date(), limit = 200): Promise<number> {
  const due = await deps.db
    .selectFrom('fulfilment_orders')
    .select('id')
    .where('status', '=', 'released')
    .where('accept_by', '<', now)
    .orderBy('accept_by')
    .limit(limit)
    .execute();
  let n = 0;
  for (const { id } of due) if (await withdraw(deps, id, 'sla-expired', now)) n++;
  return n;
}

/**
 * Work at nodes that are no longer online is taken back and routed again: a paused node keeps what
 * it is already picking or packing, an offline node loses everything not yet shipped. State-based
 * (it looks at node status, not at events), so a missed `node.updated` or a crash mid-way is healed
 * by the next run, and the conditional transitions make each withdrawal happen once.
 */
export async function withdrawFromUnavailableNodes(
  deps: OrderDeps,
  now = new Date(),
  limit = 500,
): Promise<number> {
  const { rows } = await sql<{ id: string; node_status: string }>`
    SELECT f.id, n.status AS node_status FROM fulfilment_orders f JOIN nodes n ON n.id = f.node_id
    WHERE n.status <> 'online' AND (f.status IN ('created', 'released', 'accepted')
      OR (n.status = 'offline' AND f.status IN ('picking', 'packed')))
    ORDER BY f.created_at LIMIT ${limit}`.execute(deps.db);
  let n = 0;
  for (const r of rows) if (await withdraw(deps, r.id, `node ${r.node_status}`, now)) n++;
  return n;
}

/**
 * Backorders and anything left waiting: orders with units to route, whose skus have ATP somewhere,
 * are allocated first come first served, next-day before express before standard. Each order is
 * allocated in its own transaction under its row lock (SKIP LOCKED: two runners never block on or
 * double-serve one order); allocation only routes units still pending, so re-running is harmless.
 */
export async function allocateWaiting(deps: OrderDeps, now = new Date(), limit = 500): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    SELECT o.id FROM orders o
    WHERE o.needs_allocation AND o.status <> 'cancelled' AND EXISTS (
      SELECT 1 FROM order_lines l JOIN inventory_positions p ON p.sku = l.sku
      WHERE l.order_id = o.id AND l.quantity - l.cancelled - l.allocated - l.shipped > 0
        AND p.on_hand - p.reserved - p.safety_stock > 0)
    ORDER BY o.priority, o.waiting_since, o.id LIMIT ${limit}`.execute(deps.db);
  let n = 0;
  for (const { id } of rows) {
    const r = await reallocateOrder(deps, id, 'backorder', SYSTEM, now, { skipLocked: true });
    if (r && r.allocatedUnits > 0) n++;
  }
  return n;
}

/** One pass of every fulfilment timer (the job runner and the in-process loop call this). */
export async function runFulfilmentTimers(deps: OrderDeps, now = new Date()) {
  const withdrawn = await withdrawFromUnavailableNodes(deps, now);
  const expired = await expireUnaccepted(deps, now);
  const allocated = await allocateWaiting(deps, now);
  return { withdrawn, expired, allocated };
}

/**
 * Runs the timers every `intervalMs` in this process (serve, when it runs jobs), so backorders and
 * outages react within seconds rather than at the next minute of the cron. Overlapping runs are skipped.
 */
export function startFulfilmentLoop(
  deps: OrderDeps,
  intervalMs = 2_000,
  log: (message: string) => void = () => undefined,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runFulfilmentTimers(deps)
      .catch((err: unknown) => log(`fulfilment timers failed: ${String(err)}`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
