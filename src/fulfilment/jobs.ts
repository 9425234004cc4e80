import type { TaskList } from 'graphile-worker';
import type { Db } from '../platform/db/database.ts';
import { StoredPolicyProvider } from './policy-provider.ts';
import { runFulfilmentTimers } from './rerouting.ts';
import { RoutingContext } from './routing-context.ts';

/**
 * The durable schedule of the fulfilment timers (SLA expiry, work at unavailable nodes, backorders
 * and anything left waiting after a crash). Jobs read stock from the positions (no index in the worker).
 */
export function fulfilmentTasks(db: Db): TaskList {
  let routing: RoutingContext | null = null;
  return {
    'fulfilment-timers': async (_payload, helpers) => {
      routing ??= new RoutingContext(db, null, new StoredPolicyProvider(db));
      const r = await runFulfilmentTimers({ db, routing });
      if (r.withdrawn + r.expired + r.allocated > 0)
        helpers.logger.info(`fulfilment timers: ${JSON.stringify(r)}`);
    },
  };
}

export const FULFILMENT_CRON = '* * * * * fulfilment-timers ?max=1&jobKey=fulfilment-timers';
