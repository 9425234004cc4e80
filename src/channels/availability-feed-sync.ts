import { setTimeout as delay } from 'node:timers/promises';
import { quickAddJob, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { WakeSignal } from '../events/wake-signal.ts';
import { parseInventoryPayload } from '../inventory/availability-notifications.ts';
import { INVENTORY_CHANNEL } from '../inventory/migrations.ts';
import type { Db } from '../platform/db/database.ts';
import { exclusiveLoopTask, loopCron } from '../platform/jobs/exclusive-loop-task.ts';
import { refreshAllChannelAvailability, refreshChannelAvailability } from './availability-feed-refresh.ts';
import { CHANNELS_CHANNEL, NODES_CHANNEL } from './migrations.ts';

export const CHANNEL_FEED_TASK = 'channel-feed-refresh';
const LOOP_LOCK = 727_202;
const CHUNK = 1_000;

export interface FeedLoopOptions {
  /** Changes arriving within this window are recomputed together. */
  debounceMs?: number;
  /** How often the LISTEN connection is checked (a dead one ends the loop; its successor starts over). */
  heartbeatMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Keeps the channel availability feed equal to what the rules give, off the write path: it LISTENs
 * to the notifications the availability index already uses, then recomputes everything once (so
 * whatever happened while no loop listened is caught up), then recomputes only the skus that
 * inventory notifications name, debounced; a node or channel change (or a bulk import, whose
 * notification names no sku) recomputes everything. Notifications are only hints: every refresh
 * reads the database, so a lost or repeated one costs at most a later or a redundant refresh.
 */
export async function runFeedLoop(
  db: Db,
  client: pg.ClientBase,
  opts: FeedLoopOptions & { signal?: AbortSignal; maxRunMs?: number } = {},
): Promise<void> {
  const debounceMs = opts.debounceMs ?? 200;
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const end = Date.now() + (opts.maxRunMs ?? 60_000);
  const dirty = new Set<string>();
  let all = true;
  const wake = new WakeSignal();
  const onNotification = (m: pg.Notification) => {
    const sku = m.channel === INVENTORY_CHANNEL ? parseInventoryPayload(m.payload ?? '')?.sku : undefined;
    if (sku !== undefined) dirty.add(sku);
    else all = true;
    wake.notify();
  };
  client.on('notification', onNotification);
  try {
    await client.query(`LISTEN ${INVENTORY_CHANNEL}; LISTEN ${NODES_CHANNEL}; LISTEN ${CHANNELS_CHANNEL}`);
    while (!opts.signal?.aborted && Date.now() < end) {
      if (all) {
        all = false;
        dirty.clear();
        const r = await refreshAllChannelAvailability(db, CHUNK);
        if (r.changed > 0) opts.log?.('info', `channel feed: ${r.changed} changes over ${r.skus} skus`);
      } else if (dirty.size > 0) {
        const skus = [...dirty];
        dirty.clear();
        for (let i = 0; i < skus.length; i += CHUNK) {
          await refreshChannelAvailability(db, skus.slice(i, i + CHUNK));
        }
      }
      await wake.wait(Math.min(heartbeatMs, Math.max(0, end - Date.now())), opts.signal);
      if (dirty.size === 0 && !all) {
        await client.query('SELECT 1'); // throws when the LISTEN connection is gone
      } else {
        // Let a burst (an order of many lines, a feed) settle into one refresh.
        await delay(debounceMs, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    }
  } finally {
    client.off('notification', onNotification);
    await client
      .query(`UNLISTEN ${INVENTORY_CHANNEL}; UNLISTEN ${NODES_CHANNEL}; UNLISTEN ${CHANNELS_CHANNEL}`)
      .catch(() => undefined);
  }
}

/** The feed refresher as a graphile-worker job: one loop at a time across instances. */
export function channelFeedTasks(db: Db): TaskList {
  return {
    [CHANNEL_FEED_TASK]: exclusiveLoopTask(CHANNEL_FEED_TASK, LOOP_LOCK, (client, signal) =>
      runFeedLoop(db, client, { signal, maxRunMs: 60_000 }),
    ),
  };
}

export const CHANNEL_FEED_CRON = loopCron(CHANNEL_FEED_TASK);

/** Starts the feed loop at once on boot rather than at the next cron minute. */
export async function kickChannelFeedRefresh(pgPool: pg.Pool): Promise<void> {
  await quickAddJob({ pgPool }, CHANNEL_FEED_TASK, {}, { jobKey: CHANNEL_FEED_TASK });
}
