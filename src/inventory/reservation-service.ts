import { createHash, randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { batcherFor } from './reservation-batcher.ts';
import type {
  OperationContext,
  OwnerRef,
  Reservation,
  ReserveRequest,
  ReserveResult,
  Shortage,
} from './reservation-schema.ts';
import { type ReserveRow, type ReserveWrite, reserveStatement } from './reserve-statement.ts';
import type { ReservationsTable } from './tables.ts';

type ReservationRow = Selectable<ReservationsTable>;

export function toReservation(row: ReservationRow): Reservation {
  return {
    id: row.id,
    requestId: row.request_id,
    line: row.line,
    lineId: row.line_id,
    nodeId: row.node_id,
    sku: row.sku,
    quantity: row.quantity,
    requested: row.requested,
    consumed: row.consumed,
    released: row.released,
    status: row.status as Reservation['status'],
    owner: { type: row.owner_type, id: row.owner_id },
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function ownerAggregateId(owner: OwnerRef): string {
  return `${owner.type}:${owner.id}`;
}

export async function getReservation(db: Db, id: string): Promise<Reservation> {
  const row = await db.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('reservation-not-found', `Reservation ${id} does not exist`);
  return toReservation(row);
}

function requestHash(request: ReserveRequest): string {
  const { idempotencyKey: _key, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/**
 * Reserves every line or none, in one transaction (the caller's when `db` is one).
 *
 * One statement locks the positions in (node_id, sku) order, checks every line against the latest
 * committed counters (`on_hand - reserved - safety_stock >= quantity`), and only if all pass bumps
 * `reserved` and writes the reservation and ledger rows. Insufficient stock is a typed result, not
 * an error. With an idempotency key the first successful result is stored and returned again.
 */
export async function reserve(
  db: Db,
  request: ReserveRequest,
  ctx: OperationContext = {},
  options: { batch?: boolean } = {},
): Promise<ReserveResult> {
  const now = new Date();
  const requestId = randomUUID();
  const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
  const lines = request.lines.map((l, i) => ({ ...l, line: i, id: randomUUID() }));
  const reservations: Reservation[] = lines.map((l) => ({
    id: l.id,
    requestId,
    line: l.line,
    lineId: l.lineId ?? null,
    nodeId: l.nodeId,
    sku: l.sku,
    quantity: l.quantity,
    requested: l.quantity,
    consumed: 0,
    released: 0,
    status: 'open',
    owner: request.owner,
    expiresAt: expiresAt ? expiresAt.toISOString() : null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  }));
  const success: ReserveResult = { ok: true, reservations };
  const key = request.idempotencyKey;
  const correlationId = ctx.correlationId ?? ownerAggregateId(request.owner);
  const actor = ctx.actor ?? null;

  const write: ReserveWrite = {
    lines,
    requestId,
    owner: request.owner,
    expiresAt,
    now,
    reason: request.reason ?? null,
    actor,
    correlationId,
    eventAggregateId: ownerAggregateId(request.owner),
    eventPayload: {
      requestId,
      owner: request.owner,
      expiresAt: expiresAt ? expiresAt.toISOString() : null,
      reservations: reservations.map((r) => ({
        id: r.id,
        line: r.line,
        lineId: r.lineId,
        nodeId: r.nodeId,
        sku: r.sku,
        quantity: r.quantity,
      })),
    },
  };
  const shortage = async (trx: Db, failed: ReserveRow[]): Promise<ReserveResult> => ({
    ok: false,
    reason: 'insufficient-stock',
    shortages: await shortagesFor(trx, lines, failed),
  });

  // Without an idempotency key or an outer transaction: one autocommit statement, one round trip,
  // shared with the requests that arrive together (see ReservationBatcher).
  if (key === undefined && !db.isTransaction) {
    const rows =
      options.batch === false ? await reserveStatement(db, write) : await batcherFor(db).reserve(write);
    const failed = rows.filter((r) => r.part === 'c');
    return failed.length > 0 ? shortage(db, failed) : success;
  }

  const attempt = async (trx: Db, own: boolean): Promise<ReserveResult> => {
    if (key !== undefined) {
      const hash = requestHash(request);
      // Waits for a concurrent request with the same key; only one of them inserts.
      const claimed = await sql`
        INSERT INTO reservation_requests (idempotency_key, request_hash, response)
        VALUES (${key}, ${hash}, ${JSON.stringify(success)}::jsonb)
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`.execute(trx);
      if (claimed.rows.length === 0) {
        const prior = await trx
          .selectFrom('reservation_requests')
          .select(['request_hash', 'response'])
          .where('idempotency_key', '=', key)
          .executeTakeFirstOrThrow();
        if (prior.request_hash !== hash) {
          throw new AppError(
            'idempotency-key-reused',
            `Idempotency key ${key} was used for another request`,
            {
              errors: [
                { pointer: '/idempotencyKey', detail: 'used before with a different body', in: 'body' },
              ],
            },
          );
        }
        return prior.response as ReserveResult;
      }
    }
    const failed = (await reserveStatement(trx, write)).filter((r) => r.part === 'c');
    if (failed.length > 0) {
      const result = await shortage(trx, failed);
      if (own) throw new RollBack(result);
      // Only a success is remembered: a retry with the same key may find stock later.
      if (key !== undefined)
        await trx.deleteFrom('reservation_requests').where('idempotency_key', '=', key).execute();
      return result;
    }
    return success;
  };

  if (db.isTransaction) return attempt(db, false);
  try {
    return await db.transaction().execute((trx) => attempt(trx, true));
  } catch (err) {
    if (err instanceof RollBack) return err.result;
    throw err;
  }
}

/** Thrown to roll our own transaction back while still answering with a typed result. */
class RollBack extends Error {
  constructor(readonly result: ReserveResult) {
    super('rolled back');
  }
}

/** Names each short line; lines on a node or sku that does not exist are a client error instead. */
async function shortagesFor(
  trx: Db,
  lines: { line: number; nodeId: string; sku: string; quantity: number }[],
  failed: ReserveRow[],
): Promise<Shortage[]> {
  // No position at all: maybe a node or sku that does not exist (a client error, not a shortage).
  if (failed.some((f) => f.available === null)) await assertLinesExist(trx, lines);
  const available = new Map(failed.map((f) => [`${f.node_id}\u0000${f.sku}`, f.available ?? 0]));
  return lines.flatMap((l) => {
    const a = available.get(`${l.nodeId}\u0000${l.sku}`);
    return a === undefined
      ? []
      : [{ line: l.line, nodeId: l.nodeId, sku: l.sku, requested: l.quantity, available: a }];
  });
}

/** Throws node-not-found / item-not-found naming the first line that refers to nothing. */
export async function assertLinesExist(
  trx: Db,
  lines: { nodeId: string; sku: string }[],
  pointerPrefix = '/lines',
): Promise<void> {
  const nodeIds = [...new Set(lines.map((l) => l.nodeId))];
  const skus = [...new Set(lines.map((l) => l.sku))];
  const nodes = await trx.selectFrom('nodes').select('id').where('id', 'in', nodeIds).execute();
  const items = await trx.selectFrom('items').select('sku').where('sku', 'in', skus).execute();
  const knownNodes = new Set(nodes.map((n) => n.id));
  const knownSkus = new Set(items.map((i) => i.sku));
  for (const [i, l] of lines.entries()) {
    if (!knownNodes.has(l.nodeId))
      throw new AppError('node-not-found', `Node ${l.nodeId} does not exist`, {
        errors: [{ pointer: `${pointerPrefix}/${i}/nodeId`, detail: 'no such node', in: 'body' }],
      });
    if (!knownSkus.has(l.sku))
      throw new AppError('item-not-found', `Item ${l.sku} does not exist`, {
        errors: [{ pointer: `${pointerPrefix}/${i}/sku`, detail: 'no such item', in: 'body' }],
      });
  }
}
