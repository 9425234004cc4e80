import { sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { positionAggregateId } from '../inventory/low-stock.ts';
import { recordMovements } from '../inventory/movements.ts';
import { applyCounterDeltas } from '../inventory/position-counters.ts';
import { releaseReservation } from '../inventory/reservation-changes.ts';
import type { EventContext } from '../orders/order-events.ts';
import type { Db } from '../platform/db/database.ts';
import { freeCapacity } from './capacity.ts';

export interface FoRef {
  id: string;
  order_id: string;
  node_id: string;
  capacity_day: string | null;
}

/**
 * Gives back everything an open fulfilment order holds (after its status moved to rejected,
 * withdrawn or cancelled): capacity first, then reservations (sorted by sku: positions are locked
 * in (node, sku) order like everywhere), then the order lines' counters. `cancelUnits` cancels the
 * units for the customer; otherwise they wait for routing again (and `exclude` keeps the node out).
 */
export async function unwindFo(
  trx: Db,
  fo: FoRef,
  opts: { cancelUnits: boolean; exclude: boolean; reason: string },
  ctx: EventContext,
): Promise<{ sku: string; units: number }[]> {
  if (fo.capacity_day)
    await freeCapacity(trx, [{ nodeId: fo.node_id, day: String(fo.capacity_day).slice(0, 10), packages: 1 }]);
  const lines = await trx
    .selectFrom('fulfilment_order_lines')
    .select(['id', 'order_line_id', 'sku', 'quantity', 'short', 'reservation_id'])
    .where('fulfilment_order_id', '=', fo.id)
    .orderBy('sku')
    .execute();
  const rctx = { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? fo.order_id };
  for (const l of lines) {
    if (l.reservation_id && l.quantity - l.short > 0) {
      const open = await trx
        .selectFrom('reservations')
        .select(['status', 'quantity'])
        .where('id', '=', l.reservation_id)
        .executeTakeFirst();
      if (open?.status === 'open' && open.quantity > 0) {
        await releaseReservation(trx, l.reservation_id, { reason: opts.reason }, rctx);
      }
    }
  }
  const units = lines
    .map((l) => ({ lineId: l.order_line_id, q: l.quantity - l.short }))
    .filter((x) => x.q > 0);
  if (units.length) {
    await sql`
      UPDATE order_lines ol SET allocated = ol.allocated - x.q,
        cancelled = ol.cancelled + CASE WHEN ${opts.cancelUnits} THEN x.q ELSE 0 END
      FROM (SELECT id, sum(q)::int AS q FROM unnest(${units.map((u) => u.lineId)}::uuid[], ${units.map((u) => u.q)}::int[])
        AS u(id, q) GROUP BY id) x
      WHERE ol.id = x.id`.execute(trx);
  }
  if (opts.exclude) {
    await sql`
      UPDATE orders SET excluded_nodes = array_append(excluded_nodes, ${fo.node_id})
      WHERE id = ${fo.order_id} AND NOT (${fo.node_id} = ANY(excluded_nodes))`.execute(trx);
  }
  return lines.map((l) => ({ sku: l.sku, units: l.quantity - l.short }));
}

/**
 * A node says units are not there (rejected out of stock / damaged, or short-picked): its on hand
 * is corrected down by those units (never below zero) with an `adjustment` movement, so the next
 * routing does not send the same units there again.
 */
export async function correctNodeStock(
  trx: Db,
  nodeId: string,
  missing: { sku: string; units: number }[],
  reason: string,
  ctx: EventContext,
): Promise<void> {
  const wanted = missing
    .filter((m) => m.units > 0)
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  if (wanted.length === 0) return;
  const rows = await trx
    .selectFrom('inventory_positions')
    .select(['sku', 'on_hand'])
    .where('node_id', '=', nodeId)
    .where(
      'sku',
      'in',
      wanted.map((m) => m.sku),
    )
    .orderBy('sku')
    .forNoKeyUpdate()
    .execute();
  const onHand = new Map(rows.map((r) => [r.sku, r.on_hand]));
  const deltas = wanted
    .map((m) => ({ nodeId, sku: m.sku, onHand: -Math.min(m.units, onHand.get(m.sku) ?? 0), reserved: 0 }))
    .filter((d) => d.onHand < 0);
  if (deltas.length === 0) return;
  const applied = await applyCounterDeltas(trx, deltas);
  if (!applied.ok) return;
  await recordMovements(
    trx,
    deltas.map((d) => ({
      nodeId,
      sku: d.sku,
      kind: 'adjustment' as const,
      onHandDelta: d.onHand,
      reservedDelta: 0,
      reason,
      actor: ctx.actor ?? null,
      correlationId: ctx.correlationId ?? null,
    })),
  );
  for (const p of applied.positions) {
    await appendEvent(trx, {
      type: 'inventory.adjusted',
      aggregateType: 'inventory-position',
      aggregateId: positionAggregateId(p.nodeId, p.sku),
      payload: {
        nodeId: p.nodeId,
        sku: p.sku,
        onHand: p.onHand,
        reserved: p.reserved,
        safetyStock: p.safetyStock,
        atp: Math.max(0, p.onHand - p.reserved - p.safetyStock),
        version: p.version,
        movements: [
          { kind: 'adjustment', onHandDelta: deltas.find((d) => d.sku === p.sku)?.onHand ?? 0, reason },
        ],
      },
      actor: ctx.actor ?? null,
      correlationId: ctx.correlationId ?? null,
    });
  }
}
