import { type RawBuilder, sql } from 'kysely';
import { type EventContext, type OrderEvent, orderEventsCte } from '../orders/order-events.ts';
import type { Db } from '../platform/db/database.ts';
import type { Allocation, AllocationTrigger } from './allocation.ts';

export interface AllocationWrite {
  orderId: string;
  allocation: Allocation;
  trigger: AllocationTrigger;
  excludedNodes: readonly string[];
  /** Move the order's status (conditional on `from`); null leaves it to the caller. */
  status: { from: string; to: string } | null;
  /** Events before / after the allocation's own (e.g. order.created first, order.released last). */
  eventsBefore?: OrderEvent[];
  eventsAfter?: OrderEvent[];
  now: Date;
}

/**
 * The CTEs (`fo`, `fol`, `dec`) inserting an allocation's fulfilment orders, their lines and the
 * decision with its explanation; `gate` (a SQL boolean) lets a statement write them only when
 * another of its CTEs succeeded (capture: only when the order row was inserted).
 */
export function allocationRowsCtes(
  orderId: string,
  a: Allocation,
  trigger: AllocationTrigger,
  excludedNodes: readonly string[],
  nowIso: string,
  gate: RawBuilder<unknown> = sql`true`,
): RawBuilder<unknown> {
  const fos = a.fulfilmentOrders;
  const lines = fos.flatMap((f) => f.lines.map((l) => ({ ...l, foId: f.id })));
  const d = a.decision;
  return sql`
    fo AS (
      INSERT INTO fulfilment_orders (id, order_id, seq, node_id, kind, status, accept_by, released_at, promised_date,
        days, miles, cost, capacity_day, created_at, updated_at)
      SELECT f.id, ${orderId}::uuid, f.seq, f.node_id, f.kind, f.status, f.accept_by, f.released_at, f.promised_date,
        f.days, f.miles, f.cost, f.capacity_day, ${nowIso}::timestamptz, ${nowIso}::timestamptz
      FROM unnest(${fos.map((f) => f.id)}::uuid[], ${fos.map((f) => f.seq)}::int[], ${fos.map((f) => f.nodeId)}::text[],
        ${fos.map((f) => f.kind)}::text[], ${fos.map((f) => f.status)}::text[],
        ${fos.map((f) => f.acceptBy?.toISOString() ?? null)}::timestamptz[],
        ${fos.map((f) => f.releasedAt?.toISOString() ?? null)}::timestamptz[], ${fos.map((f) => f.promisedDate)}::date[],
        ${fos.map((f) => f.days)}::int[], ${fos.map((f) => f.miles)}::float8[],
        ${fos.map((f) => JSON.stringify(f.cost))}::jsonb[], ${fos.map((f) => f.capacityDay)}::date[])
        AS f(id, seq, node_id, kind, status, accept_by, released_at, promised_date, days, miles, cost, capacity_day)
      WHERE ${gate}
      RETURNING 1
    ),
    fol AS (
      INSERT INTO fulfilment_order_lines (id, fulfilment_order_id, order_line_id, sku, quantity, reservation_id)
      SELECT * FROM unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.foId)}::uuid[],
        ${lines.map((l) => l.orderLineId)}::uuid[], ${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[],
        ${lines.map((l) => l.reservationId)}::uuid[])
      WHERE ${gate}
      RETURNING 1
    ),
    dec AS (
      INSERT INTO order_decisions (id, order_id, trigger, outcome, strategy, plan, cost, explanation, excluded_nodes,
        policy_id, policy_version, created_at)
      SELECT gen_random_uuid(), ${orderId}::uuid, ${trigger}, ${d?.outcome ?? 'not-routed'}, ${d?.strategy ?? 'none'},
        ${JSON.stringify(d?.plan ?? null)}::jsonb, ${JSON.stringify(d?.cost ?? null)}::jsonb,
        ${JSON.stringify({ explanation: d?.explanation ?? null, issues: d?.issues ?? [], search: d?.search ?? null, unknownSkus: a.unknownSkus, attempts: a.attempts })}::jsonb,
        ${excludedNodes as string[]}::text[], ${d?.explanation?.policy?.id ?? null}, ${d?.explanation?.policy?.version ?? null},
        ${nowIso}::timestamptz
      WHERE ${a.attempts > 0 || a.unknownSkus.length > 0} AND ${gate}
      RETURNING 1
    )`;
}

/**
 * Persists an allocation in ONE statement: fulfilment orders and their lines, the decision with
 * its explanation, the lines' allocated counters, the order row (status, waiting reason,
 * backorder flag) and the order's events. Returns false when the order was not in `status.from`.
 */
export async function writeAllocation(trx: Db, w: AllocationWrite, ctx: EventContext): Promise<boolean> {
  const { allocation: a, orderId, now } = w;
  const events = [...(w.eventsBefore ?? []), ...a.events, ...(w.eventsAfter ?? [])];
  const allocatedIds = [...a.allocated.keys()];
  const nowIso = now.toISOString();
  const { rows } = await sql<{ ord: number }>`
    WITH ${allocationRowsCtes(orderId, a, w.trigger, w.excludedNodes, nowIso)},
    ol AS (
      UPDATE order_lines l SET allocated = l.allocated + x.q
      FROM unnest(${allocatedIds}::uuid[], ${allocatedIds.map((id) => a.allocated.get(id)!)}::int[]) AS x(id, q)
      WHERE l.id = x.id
      RETURNING 1
    ),
    ord AS (
      UPDATE orders SET
        status = coalesce(${w.status?.to ?? null}, status),
        status_reason = ${a.reason},
        needs_allocation = ${a.pendingAfter > 0},
        waiting_since = CASE WHEN ${a.pendingAfter > 0} THEN coalesce(waiting_since, ${nowIso}::timestamptz) END,
        attempted = true,
        version = version + 1,
        updated_at = ${nowIso}::timestamptz
      WHERE id = ${orderId}::uuid AND (${w.status?.from ?? null}::text IS NULL OR status = ${w.status?.from ?? null})
      RETURNING 1
    ),
    ${orderEventsCte(orderId, events, ctx)}
    SELECT (SELECT count(*) FROM ord)::int AS ord, (SELECT count(*) FROM fo) AS fo, (SELECT count(*) FROM fol) AS fol,
      (SELECT count(*) FROM dec) AS dec, (SELECT count(*) FROM ol) AS ol, (SELECT count(*) FROM ev_notify) AS ev
  `.execute(trx);
  return (rows[0]?.ord ?? 0) === 1;
}
