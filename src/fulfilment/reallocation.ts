import { sql } from 'kysely';
import type { OrderDeps } from '../orders/order-capture.ts';
import type { EventContext } from '../orders/order-events.ts';
import { lockOrder, settleOrder } from '../orders/order-settle.ts';
import type { OrderStatus } from '../orders/order-states.ts';
import { type AllocationTrigger, routeAndReserve, withAllocationRetry } from './allocation.ts';
import { writeAllocation } from './allocation-writes.ts';

export interface ReallocationResult {
  orderId: string;
  allocatedUnits: number;
  pendingUnits: number;
  status: OrderStatus;
  fulfilmentOrders: string[];
}

/**
 * Routes again the units of an order that wait (after a rejection, a withdrawal, a short pick, a
 * change, or when stock arrived), in one transaction under the order's row lock, excluding the
 * order's excluded nodes. Idempotent: with nothing waiting it changes nothing, so a crash between
 * the unwinding commit and this call is healed by the sweep job running it again.
 */
export async function reallocateOrder(
  deps: OrderDeps,
  orderId: string,
  trigger: AllocationTrigger,
  ctx: EventContext,
  now = new Date(),
  options: { skipLocked?: boolean } = {},
): Promise<ReallocationResult | null> {
  return withAllocationRetry((hint) =>
    deps.db.transaction().execute(async (trx) => {
      const order = options.skipLocked
        ? await trx
            .selectFrom('orders')
            .selectAll()
            .where('id', '=', orderId)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst()
        : await lockOrder(trx, orderId);
      if (!order || order.status === 'cancelled') return null;
      const lines = await trx
        .selectFrom('order_lines')
        .select(['id', 'sku', sql<number>`quantity - cancelled - allocated - shipped`.as('pending')])
        .where('order_id', '=', orderId)
        .orderBy('line_no')
        .execute();
      if (!lines.some((l) => l.pending > 0)) {
        if (order.needs_allocation) await settleOrder(trx, orderId, ctx, { trigger });
        return {
          orderId,
          allocatedUnits: 0,
          pendingUnits: 0,
          status: order.status as OrderStatus,
          fulfilmentOrders: [],
        };
      }
      const seq = await trx
        .selectFrom('fulfilment_orders')
        .select(sql<number>`coalesce(max(seq), 0) + 1`.as('next'))
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow();
      const ectx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? orderId };
      const allocation = await routeAndReserve(
        trx,
        deps.routing,
        {
          id: orderId,
          channel: order.channel,
          destLat: order.dest_lat,
          destLon: order.dest_lon,
          fulfilment: order.fulfilment as 'ship' | 'pickup' | 'ship-to-store',
          pickupNode: order.pickup_node,
          serviceLevel: order.service_level,
          placedAt: order.placed_at,
          holds: order.holds,
          excludedNodes: order.excluded_nodes,
          lines: lines.map((l) => ({ id: l.id, sku: l.sku, pending: Number(l.pending) })),
          nextSeq: Number(seq.next),
        },
        trigger,
        ectx,
        now,
        hint,
      );
      await writeAllocation(
        trx,
        { orderId, allocation, trigger, excludedNodes: order.excluded_nodes, status: null, now },
        ectx,
      );
      const settled = await settleOrder(trx, orderId, ectx, { trigger, reason: allocation.reason });
      const allocatedUnits = [...allocation.allocated.values()].reduce((s, q) => s + q, 0);
      return {
        orderId,
        allocatedUnits,
        pendingUnits: settled.pending,
        status: settled.to,
        fulfilmentOrders: allocation.fulfilmentOrders.map((f) => f.id),
      };
    }),
  );
}
