import { randomUUID } from 'node:crypto';
import { applyFeed } from '../inventory/feed-service.ts';
import { haversineMiles } from '../network/haversine.ts';
import { appendOrderEvents, type EventContext, type OrderEvent } from '../orders/order-events.ts';
import { lockOrder } from '../orders/order-settle.ts';
import { canMoveOrder, type OrderStatus, orderEventType } from '../orders/order-states.ts';
import { assertNodeAccess } from '../platform/auth/node-access.ts';
import type { Principal } from '../platform/auth/roles.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { getReturn, lineReturnStates, returnStatusOf } from './return-read.ts';
import type { AuthoriseReturnRequest, ReceiveReturnRequest, ReturnView } from './return-schema.ts';

const RETURNS = 'returns';

function invalid(pointer: string, detail: string): AppError {
  return new AppError('invalid-return', detail, { errors: [{ pointer, detail, in: 'body' }] });
}

/** Refund of received units: the line's unit price times the units, to the cent of a 4-decimal price. */
export function refundOf(unitPrice: number, quantity: number): number {
  return Math.round(unitPrice * quantity * 10_000) / 10_000;
}

interface NodeRow {
  id: string;
  kind: string;
  status: string;
  lat: number;
  lon: number;
  capabilities: string[];
}

async function nodeRow(trx: Db, id: string): Promise<NodeRow | undefined> {
  return trx
    .selectFrom('nodes')
    .select(['id', 'kind', 'status', 'lat', 'lon', 'capabilities'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The node a return goes to: the store named (in-store), the warehouse named, or the nearest warehouse (mail). */
async function returnNode(
  trx: Db,
  body: AuthoriseReturnRequest,
  destination: { lat: number; lon: number },
): Promise<string> {
  const wantKind = body.method === 'in-store' ? 'store' : 'warehouse';
  if (body.nodeId !== undefined) {
    const node = await nodeRow(trx, body.nodeId);
    if (!node) throw invalid('/nodeId', `node ${body.nodeId} does not exist`);
    if (node.kind !== wantKind)
      throw invalid('/nodeId', `a ${body.method} return goes to a ${wantKind}; ${node.id} is a ${node.kind}`);
    if (!node.capabilities.includes(RETURNS)) throw invalid('/nodeId', `${node.id} does not accept returns`);
    if (node.status === 'offline') throw invalid('/nodeId', `${node.id} is offline`);
    return node.id;
  }
  if (body.method === 'in-store') throw invalid('/nodeId', 'an in-store return names the store (nodeId)');
  const warehouses = await trx
    .selectFrom('nodes')
    .select(['id', 'lat', 'lon'])
    .where('kind', '=', 'warehouse')
    .where('status', '=', 'online')
    .where((eb) => eb(eb.val(RETURNS), '=', eb.fn.any('capabilities')))
    .orderBy('id')
    .execute();
  let best: { id: string; miles: number } | null = null;
  for (const w of warehouses) {
    const miles = haversineMiles(destination, w);
    if (!best || miles < best.miles) best = { id: w.id, miles };
  }
  if (!best) throw invalid('/method', 'no online warehouse accepts returns by mail');
  return best.id;
}

/**
 * Authorises a return of shipped units. Under the order's row lock, each line's units shipped
 * minus those already in returns (authorised, or received) bound what may come back, so two
 * concurrent authorisations cannot over-return. Writes `return.authorised` on the order.
 */
export async function authoriseReturn(
  db: Db,
  orderId: string,
  body: AuthoriseReturnRequest,
  principal: Principal,
  ctx: EventContext,
): Promise<ReturnView> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw new AppError('order-not-found', `Order ${orderId} does not exist`);
    // Associates authorise only in-store returns at their own store.
    if (principal.role === 'associate') {
      if (body.method !== 'in-store' || body.nodeId === undefined) {
        throw new AppError(
          'node-forbidden',
          'An associate authorises in-store returns at its own store only',
        );
      }
      assertNodeAccess(principal, body.nodeId);
    }
    const states = new Map((await lineReturnStates(trx, orderId)).map((s) => [s.lineId, s]));
    const seen = new Set<string>();
    body.lines.forEach((l, i) => {
      const s = states.get(l.lineId);
      if (!s) throw invalid(`/lines/${i}/lineId`, 'not a line of this order');
      if (seen.has(l.lineId)) throw invalid(`/lines/${i}/lineId`, 'the line appears twice');
      seen.add(l.lineId);
      const returnable = s.shipped - s.authorised - s.returned;
      if (l.quantity > returnable) {
        const detail = `${returnable} unit(s) of line ${s.lineNo} can be returned (shipped ${s.shipped}, in open returns ${s.authorised}, returned ${s.returned})`;
        throw new AppError('return-quantity-exceeded', detail, {
          errors: [{ pointer: `/lines/${i}/quantity`, detail, in: 'body' }],
          extra: { returnable },
        });
      }
    });
    const nodeId = await returnNode(trx, body, { lat: order.dest_lat, lon: order.dest_lon });
    await trx
      .insertInto('returns')
      .values({
        id,
        order_id: orderId,
        status: 'authorised',
        method: body.method,
        node_id: nodeId,
        reason: body.reason ?? null,
        currency: order.currency,
        created_by: ctx.actor ?? null,
      })
      .execute();
    const lines = body.lines.map((l) => {
      const s = states.get(l.lineId)!;
      return {
        id: randomUUID(),
        return_id: id,
        order_line_id: l.lineId,
        line_no: s.lineNo,
        sku: s.sku,
        quantity: l.quantity,
        unit_price: s.price,
      };
    });
    await trx.insertInto('return_lines').values(lines).execute();
    await appendOrderEvents(
      trx,
      orderId,
      [
        {
          type: 'return.authorised',
          payload: {
            returnId: id,
            orderId,
            method: body.method,
            nodeId,
            lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
          },
        },
      ],
      ctx,
    );
  });
  return getReturn(db, id);
}

/**
 * Receives a return at a node that accepts returns (not necessarily the one expected, nor the one
 * that shipped). Restocked units go back on hand at the receiving node through the inventory feed
 * (a `return-restock` movement, so ATP rises there) in the same transaction; damaged and
 * refurbish units are recorded only. The refund is the unit price times the units received, per
 * line. Writes `return.received` and `refund.computed` on the order, and moves a delivered or
 * picked-up order to `partially-returned` when some units bought came back, `returned` when all did.
 */
export async function receiveReturn(
  db: Db,
  returnId: string,
  body: ReceiveReturnRequest,
  principal: Principal,
  ctx: EventContext,
): Promise<ReturnView> {
  const head = await db
    .selectFrom('returns')
    .select(['order_id'])
    .where('id', '=', returnId)
    .executeTakeFirst();
  if (!head) throw new AppError('return-not-found', `Return ${returnId} does not exist`);
  assertNodeAccess(principal, body.nodeId);
  await db.transaction().execute(async (trx) => {
    // The order's row first, as authorisation takes it: one lock order for everything on an order.
    const order = await lockOrder(trx, head.order_id);
    if (!order) throw new AppError('return-not-found', `Return ${returnId} does not exist`);
    const ret = await trx
      .selectFrom('returns')
      .selectAll()
      .where('id', '=', returnId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const node = await nodeRow(trx, body.nodeId);
    if (!node) throw invalid('/nodeId', `node ${body.nodeId} does not exist`);
    if (!node.capabilities.includes(RETURNS)) throw invalid('/nodeId', `${node.id} does not accept returns`);
    if (ret.status !== 'authorised') {
      throw new AppError(
        'return-already-received',
        `Return ${returnId} was received at ${ret.received_at?.toISOString()}`,
      );
    }
    const lines = await trx
      .selectFrom('return_lines')
      .selectAll()
      .where('return_id', '=', returnId)
      .execute();
    const byLine = new Map(lines.map((l) => [l.order_line_id, l]));
    const counted = new Map<string, number>();
    const receipts = body.lines.map((l, i) => {
      const line = byLine.get(l.lineId);
      if (!line) throw invalid(`/lines/${i}/lineId`, 'not a line of this return');
      const total = (counted.get(l.lineId) ?? 0) + l.quantity;
      if (total > line.quantity) {
        const detail = `line ${line.line_no}: ${total} units received, ${line.quantity} authorised`;
        throw new AppError('return-quantity-exceeded', detail, {
          errors: [{ pointer: `/lines/${i}/quantity`, detail, in: 'body' }],
        });
      }
      counted.set(l.lineId, total);
      const unitPrice = Number(line.unit_price);
      return {
        id: randomUUID(),
        return_id: returnId,
        return_line_id: line.id,
        node_id: node.id,
        sku: line.sku,
        quantity: l.quantity,
        disposition: l.disposition,
        refund: refundOf(unitPrice, l.quantity),
        orderLineId: l.lineId,
        unitPrice,
      };
    });
    await trx
      .insertInto('return_receipts')
      .values(receipts.map(({ orderLineId: _o, unitPrice: _u, ...r }) => r))
      .execute();
    const restock = receipts.filter((r) => r.disposition === 'restock');
    if (restock.length > 0) {
      await applyFeed(
        trx,
        restock.map((r) => ({
          kind: 'return-restock' as const,
          nodeId: node.id,
          sku: r.sku,
          quantity: r.quantity,
          source: 'returns',
          sourceId: `return-receipt:${r.id}`,
          sequence: null,
          asOf: null,
          reason: `return ${returnId}`,
          correlationId: ctx.correlationId ?? order.id,
        })),
        { actor: ctx.actor ?? null, correlationId: ctx.correlationId ?? order.id },
      );
    }
    const total = receipts.reduce((s, r) => s + r.refund, 0);
    await trx
      .updateTable('returns')
      .set({
        status: 'received',
        received_node_id: node.id,
        received_at: new Date(),
        received_by: ctx.actor ?? null,
        refund_total: total,
        version: (eb) => eb('version', '+', 1),
      })
      .where('id', '=', returnId)
      .where('status', '=', 'authorised')
      .execute();
    const refundLines = lines.map((l) => {
      const got = receipts.filter((r) => r.return_line_id === l.id);
      const quantity = got.reduce((s, r) => s + r.quantity, 0);
      return {
        lineId: l.order_line_id,
        sku: l.sku,
        quantity,
        unitPrice: Number(l.unit_price),
        refund: got.reduce((s, r) => s + r.refund, 0),
      };
    });
    const events: OrderEvent[] = [
      {
        type: 'return.received',
        payload: {
          returnId,
          orderId: order.id,
          nodeId: node.id,
          expectedNodeId: ret.node_id,
          lines: receipts.map((r) => ({
            lineId: r.orderLineId,
            sku: r.sku,
            quantity: r.quantity,
            disposition: r.disposition,
          })),
        },
      },
      {
        type: 'refund.computed',
        payload: {
          returnId,
          orderId: order.id,
          currency: ret.currency,
          lines: refundLines,
          total: Math.round(total * 10_000) / 10_000,
        },
      },
    ];
    // Once delivered (or picked up), the order is partially returned when some of the units bought
    // came back, and returned when all of them did.
    const states = await lineReturnStates(trx, order.id);
    const bought = states.reduce((s, l) => s + l.quantity - l.cancelled, 0);
    const back = states.reduce((s, l) => s + l.returned, 0);
    const from = order.status as OrderStatus;
    const to = returnStatusOf(bought, back);
    if (to !== 'none' && from !== to && canMoveOrder(from, to)) {
      await trx
        .updateTable('orders')
        .set({ status: to, version: (eb) => eb('version', '+', 1), updated_at: new Date() })
        .where('id', '=', order.id)
        .execute();
      events.push({ type: orderEventType(to), payload: { orderId: order.id, from, to, returnId } });
    }
    await appendOrderEvents(trx, order.id, events, ctx);
  });
  return getReturn(db, returnId);
}
