import type { TaskList } from 'graphile-worker';
import { CHANNEL_FEED_CRON, channelFeedTasks } from '../../channels/availability-feed-sync.ts';
import { PRUNE_CRON, pruningTasks } from '../../events/delivery-pruning.ts';
import { WEBHOOK_CRON, webhookTasks } from '../../events/webhook-tasks.ts';
import { FULFILMENT_CRON, fulfilmentTasks } from '../../fulfilment/jobs.ts';
import { releaseExpiredReservations } from '../../inventory/reservation-expiry.ts';
import type { Db } from '../db/database.ts';

/**
 * Every background task, assembled in one place. Tasks take what they need from here; each is
 * idempotent and safe to run in several instances at once.
 */
export function buildTaskList(db: Db): TaskList {
  return {
    ...webhookTasks(db),
    ...fulfilmentTasks(db),
    ...channelFeedTasks(db),
    ...pruningTasks(db),
    'release-expired-reservations': async (_payload, helpers) => {
      const { released } = await releaseExpiredReservations(db, new Date());
      if (released > 0) helpers.logger.info(`released ${released} expired reservations`);
    },
  };
}

/**
 * Recurring tasks (graphile-worker crontab syntax). A jobKey keeps at most one pending job per task
 * across instances; a missed minute is not back-filled (the next run releases everything expired).
 */
export const CRONTAB = [
  '* * * * * release-expired-reservations ?max=1&jobKey=release-expired-reservations',
  WEBHOOK_CRON,
  FULFILMENT_CRON,
  CHANNEL_FEED_CRON,
  PRUNE_CRON,
].join('\n');
