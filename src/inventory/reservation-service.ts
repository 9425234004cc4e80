import { createHash, randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { emitLowStockCrossings } from './low-stock.ts';
import { mergeDeltas, positionFromRow } from './position-counters.ts';
import type {
  OperationContext,
  OwnerRef,
  Reservation,
  ReserveRequest,
  ReserveResult,
  Shortage,
} from './reservation-schema.ts';
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

interface ReserveRow {
  part: 'u' | 'c';
  node_id: string;
  sku: string;
  on_hand: number | null;
  reserved: number | null;
  safety_stock: number | null;
  reorder_point: number | null;
  version: number | null;
  qty: number;
  available: number | null;
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

  const event = {
    type: 'reservation.created',
    aggregateType: 'reservation',
    aggregateId: ownerAggregateId(request.owner),
    payload: {
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
    actor,
    correlationId,
  };

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
    // In our own transaction the event goes first: the position locks taken by the reserve
    // statement are then held only until the COMMIT right after it (a failure rolls it all back).
    if (own) await appendEvent(trx, event);
    const rows = await reserveStatement(trx, lines, requestId, request, expiresAt, now, actor, correlationId);
    const failed = rows.filter((r) => r.part === 'c');
    if (failed.length > 0) {
      const result: ReserveResult = {
        ok: false,
        reason: 'insufficient-stock',
        shortages: await shortagesFor(trx, lines, failed),
      };
      if (own) throw new RollBack(result);
      // Only a success is remembered: a retry with the same key may find stock later.
      if (key !== undefined)
        await trx.deleteFrom('reservation_requests').where('idempotency_key', '=', key).execute();
      return result;
    }
    if (!own) await appendEvent(trx, event);
    const changes = rows
      .filter((r) => r.part === 'u' && r.reorder_point !== null)
      .map((r) => ({ after: positionFromRow(r), delta: { onHand: 0, reserved: r.qty } }));
    if (changes.length) await emitLowStockCrossings(trx, changes, actor, correlationId);
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

interface Line {
  id: string;
  line: number;
  lineId?: string;
  nodeId: string;
  sku: string;
  quantity: number;
}

/**
 * The whole reservation in one statement. A snapshot read first: if it already shows a shortage
 * the statement answers without taking any lock (a sold-out position does not queue buyers).
 * Otherwise the positions are locked in (node_id, sku) order, checked against their latest
 * committed counters, and only if every line passes are `reserved`, the reservation rows and the
 * ledger rows written.
 */
async function reserveStatement(
  trx: Db,
  lines: Line[],
  requestId: string,
  request: ReserveRequest,
  expiresAt: Date | null,
  now: Date,
  actor: string | null,
  correlationId: string,
): Promise<ReserveRow[]> {
  const deltas = mergeDeltas(
    lines.map((l) => ({ nodeId: l.nodeId, sku: l.sku, onHand: 0, reserved: l.quantity })),
  );
  const col = <T>(f: (l: Line) => T) => lines.map(f);
  const { rows } = await sql<ReserveRow>`
    WITH d AS (
      SELECT * FROM unnest(${deltas.map((d) => d.nodeId)}::text[], ${deltas.map((d) => d.sku)}::text[],
        ${deltas.map((d) => d.reserved)}::int[]) AS d(node_id, sku, qty)
    ),
    snap AS (
      SELECT d.node_id, d.sku, d.qty, p.on_hand - p.reserved - p.safety_stock AS atp
      FROM d LEFT JOIN inventory_positions p ON p.node_id = d.node_id AND p.sku = d.sku
    ),
    pre AS (SELECT bool_and(coalesce(atp >= qty, false)) AS ok FROM snap),
    locked AS (
      SELECT p.node_id, p.sku, p.on_hand - p.reserved - p.safety_stock AS atp
      FROM inventory_positions p JOIN d ON d.node_id = p.node_id AND p.sku = d.sku
      WHERE (SELECT ok FROM pre)
      ORDER BY p.node_id, p.sku
      FOR NO KEY UPDATE OF p
    ),
    chk AS (
      SELECT s.node_id, s.sku, s.qty, coalesce(l.atp, s.atp) AS atp,
        coalesce(coalesce(l.atp, s.atp) >= s.qty, false) AS ok, l.node_id IS NOT NULL AS locked
      FROM snap s LEFT JOIN locked l ON l.node_id = s.node_id AND l.sku = s.sku
    ),
    go AS (SELECT (SELECT ok FROM pre) AND bool_and(ok AND locked) AS ok FROM chk),
    u AS (
      UPDATE inventory_positions p
      SET reserved = p.reserved + d.qty, version = p.version + 1, updated_at = now()
      FROM d
      WHERE p.node_id = d.node_id AND p.sku = d.sku AND (SELECT ok FROM go)
        AND p.on_hand - p.reserved - p.safety_stock >= d.qty
      RETURNING p.node_id, p.sku, p.on_hand, p.reserved, p.safety_stock, p.reorder_point, p.version, d.qty
    ),
    lines AS (
      SELECT * FROM unnest(${col((l) => l.id)}::uuid[], ${col((l) => l.line)}::int[],
        ${col((l) => l.lineId ?? null)}::text[], ${col((l) => l.nodeId)}::text[], ${col((l) => l.sku)}::text[],
        ${col((l) => l.quantity)}::int[]) AS l(id, line, line_id, node_id, sku, qty)
    ),
    r AS (
      INSERT INTO reservations (id, request_id, line, line_id, node_id, sku, quantity, requested, status,
        owner_type, owner_id, expires_at, created_at, updated_at)
      SELECT id, ${requestId}::uuid, line, line_id, node_id, sku, qty, qty, 'open', ${request.owner.type},
        ${request.owner.id}, ${expiresAt}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      FROM lines WHERE (SELECT ok FROM go)
    ),
    m AS (
      INSERT INTO inventory_movements (node_id, sku, kind, on_hand_delta, reserved_delta, reason, actor,
        correlation_id, reservation_id)
      SELECT node_id, sku, 'reserve', 0, qty, ${request.reason ?? null}, ${actor}, ${correlationId}, id
      FROM lines WHERE (SELECT ok FROM go)
    )
    SELECT 'u' AS part, node_id, sku, on_hand, reserved, safety_stock, reorder_point, version, qty,
      NULL::int AS available FROM u
    UNION ALL
    SELECT 'c', node_id, sku, NULL, NULL, NULL, NULL, NULL, qty, CASE WHEN atp IS NOT NULL THEN greatest(atp, 0) END
    FROM chk WHERE NOT ok
  `.execute(trx);
  return rows;
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
