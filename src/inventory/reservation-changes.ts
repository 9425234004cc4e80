import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { inTransaction } from './in-transaction.ts';
import { emitLowStockCrossings } from './low-stock.ts';
import { recordMovements } from './movements.ts';
import { applyCounterDeltas } from './position-counters.ts';
import type {
  ConsumeRequest,
  OperationContext,
  ReassignRequest,
  ReassignResult,
  ReleaseRequest,
  Reservation,
} from './reservation-schema.ts';
import { assertLinesExist, ownerAggregateId, toReservation } from './reservation-service.ts';
import type { ReservationsTable } from './tables.ts';

type ReservationRow = Selectable<ReservationsTable>;

/** Locks an open reservation (reservation row first, then positions: the lock order everywhere). */
async function lockOpen(
  trx: Db,
  id: string,
  quantity: number | undefined,
): Promise<[ReservationRow, number]> {
  const row = await trx
    .selectFrom('reservations')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('reservation-not-found', `Reservation ${id} does not exist`);
  if (row.status !== 'open') throw new AppError('reservation-not-open', `Reservation ${id} is ${row.status}`);
  const q = quantity ?? row.quantity;
  if (q > row.quantity) {
    throw new AppError('reservation-quantity-exceeded', `Reservation ${id} holds ${row.quantity} units`, {
      errors: [{ pointer: '/quantity', detail: `must be at most ${row.quantity}`, in: 'body' }],
    });
  }
  return [row, q];
}

/** Lowers the reservation's open quantity; it closes with `closedAs` when nothing is left. */
async function takeFrom(
  trx: Db,
  row: ReservationRow,
  q: number,
  column: 'released' | 'consumed',
  closedAs: 'released' | 'consumed',
): Promise<ReservationRow> {
  const updated = await sql<ReservationRow>`
    UPDATE reservations
    SET quantity = quantity - ${q}, ${sql.ref(column)} = ${sql.ref(column)} + ${q},
        status = CASE WHEN quantity - ${q} = 0 THEN ${closedAs} ELSE status END,
        version = version + 1, updated_at = now()
    WHERE id = ${row.id} AND status = 'open' AND quantity >= ${q}
    RETURNING *`.execute(trx);
  const after = updated.rows[0];
  if (!after) throw new AppError('reservation-not-open', `Reservation ${row.id} changed concurrently`);
  return after;
}

/** Gives back some or all of the units a reservation holds (reserved goes down; a `release` movement). */
export async function releaseReservation(
  db: Db,
  id: string,
  request: ReleaseRequest = {},
  ctx: OperationContext = {},
): Promise<Reservation> {
  return inTransaction(db, async (trx) => {
    const [row, q] = await lockOpen(trx, id, request.quantity);
    const applied = await applyCounterDeltas(trx, [
      { nodeId: row.node_id, sku: row.sku, onHand: 0, reserved: -q },
    ]);
    if (!applied.ok) throw new Error(`reserved of ${row.node_id}/${row.sku} is below reservation ${id}`);
    const after = await takeFrom(trx, row, q, 'released', 'released');
    const owner = { type: row.owner_type, id: row.owner_id };
    const correlationId = ctx.correlationId ?? ownerAggregateId(owner);
    await recordMovements(trx, [
      {
        nodeId: row.node_id,
        sku: row.sku,
        kind: 'release',
        onHandDelta: 0,
        reservedDelta: -q,
        reason: request.reason ?? null,
        actor: ctx.actor ?? null,
        correlationId,
        reservationId: id,
      },
    ]);
    const reservation = toReservation(after);
    await appendEvent(trx, {
      type: 'reservation.released',
      aggregateType: 'reservation',
      aggregateId: ownerAggregateId(owner),
      payload: { reservation, quantity: q, reason: request.reason ?? null },
      actor: ctx.actor ?? null,
      correlationId,
    });
    return reservation;
  });
}

/** Ships reserved units: reserved and on hand both go down (a `ship` movement). */
export async function consumeReservation(
  db: Db,
  id: string,
  request: ConsumeRequest = {},
  ctx: OperationContext = {},
): Promise<Reservation> {
  return inTransaction(db, async (trx) => {
    const [row, q] = await lockOpen(trx, id, request.quantity);
    const applied = await applyCounterDeltas(trx, [
      { nodeId: row.node_id, sku: row.sku, onHand: -q, reserved: -q },
    ]);
    if (!applied.ok) {
      throw new AppError(
        'insufficient-on-hand',
        `${row.node_id}/${row.sku} has ${applied.failures[0]?.onHand ?? 0} units on hand, cannot ship ${q}`,
      );
    }
    const after = await takeFrom(trx, row, q, 'consumed', 'consumed');
    const owner = { type: row.owner_type, id: row.owner_id };
    const correlationId = ctx.correlationId ?? ownerAggregateId(owner);
    await recordMovements(trx, [
      {
        nodeId: row.node_id,
        sku: row.sku,
        kind: 'ship',
        onHandDelta: -q,
        reservedDelta: -q,
        reason: request.reference ?? null,
        actor: ctx.actor ?? null,
        correlationId,
        reservationId: id,
      },
    ]);
    const reservation = toReservation(after);
    await appendEvent(trx, {
      type: 'reservation.consumed',
      aggregateType: 'reservation',
      aggregateId: ownerAggregateId(owner),
      payload: { reservation, quantity: q, reference: request.reference ?? null },
      actor: ctx.actor ?? null,
      correlationId,
    });
    return reservation;
  });
}

/**
 * Moves everything a reservation still holds to another node atomically: released at the old
 * node and reserved at the new one under the same locks, or nothing changes (a typed shortage).
 */
export async function reassignReservation(
  db: Db,
  id: string,
  request: ReassignRequest,
  ctx: OperationContext = {},
): Promise<ReassignResult> {
  return inTransaction(db, async (trx) => {
    const [row, q] = await lockOpen(trx, id, undefined);
    if (row.node_id === request.nodeId) return { ok: true, reservation: toReservation(row) };
    const to = request.nodeId;
    const applied = await applyCounterDeltas(trx, [
      { nodeId: row.node_id, sku: row.sku, onHand: 0, reserved: -q },
      { nodeId: to, sku: row.sku, onHand: 0, reserved: q },
    ]);
    if (!applied.ok) {
      const failure = applied.failures.find((f) => f.nodeId === to);
      if (!failure) throw new Error(`reserved of ${row.node_id}/${row.sku} is below reservation ${id}`);
      if (!failure.found) await assertLinesExist(trx, [{ nodeId: to, sku: row.sku }], '');
      return {
        ok: false,
        reason: 'insufficient-stock',
        shortages: [{ line: row.line, nodeId: to, sku: row.sku, requested: q, available: failure.available }],
      };
    }
    const moved = await sql<ReservationRow>`
      UPDATE reservations SET node_id = ${to}, version = version + 1, updated_at = now()
      WHERE id = ${id} AND status = 'open' RETURNING *`.execute(trx);
    const after = moved.rows[0];
    if (!after) throw new AppError('reservation-not-open', `Reservation ${id} changed concurrently`);
    const owner = { type: row.owner_type, id: row.owner_id };
    const correlationId = ctx.correlationId ?? ownerAggregateId(owner);
    const common = {
      sku: row.sku,
      reason: request.reason ?? 'reassign',
      actor: ctx.actor ?? null,
      correlationId,
    };
    await recordMovements(trx, [
      {
        ...common,
        nodeId: row.node_id,
        kind: 'release',
        onHandDelta: 0,
        reservedDelta: -q,
        reservationId: id,
      },
      { ...common, nodeId: to, kind: 'reserve', onHandDelta: 0, reservedDelta: q, reservationId: id },
    ]);
    const reservation = toReservation(after);
    await appendEvent(trx, {
      type: 'reservation.reassigned',
      aggregateType: 'reservation',
      aggregateId: ownerAggregateId(owner),
      payload: { reservation, from: row.node_id, to, quantity: q },
      actor: ctx.actor ?? null,
      correlationId,
    });
    const gained = applied.positions.find((p) => p.nodeId === to);
    if (gained) {
      await emitLowStockCrossings(
        trx,
        [{ after: gained, delta: { onHand: 0, reserved: q } }],
        ctx.actor ?? null,
        correlationId,
      );
    }
    return { ok: true, reservation };
  });
}
