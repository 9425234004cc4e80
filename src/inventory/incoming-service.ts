import { sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { IncomingInput, IncomingQuery, IncomingSupply } from './inventory-schema.ts';

interface IncomingRow {
  id: string;
  node_id: string;
  sku: string;
  kind: string;
  quantity: number;
  expected_on: string;
  reference: string | null;
  status: string;
  version: number;
  updated_at: Date;
}

function toIncoming(r: IncomingRow): IncomingSupply {
  return {
    id: r.id,
    nodeId: r.node_id,
    sku: r.sku,
    kind: r.kind as IncomingSupply['kind'],
    quantity: r.quantity,
    expectedOn: r.expected_on,
    reference: r.reference,
    status: r.status as IncomingSupply['status'],
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

// `date` is read as text: a JS Date would shift it by the process's time zone.
const columns = sql`id, node_id, sku, kind, quantity, expected_on::text AS expected_on, reference, status, version,
  updated_at`;

/** Creates or replaces an expected supply (idempotent: an identical PUT changes nothing). */
export async function putIncoming(
  db: Db,
  id: string,
  input: IncomingInput,
  actor: string | null,
): Promise<{ incoming: IncomingSupply; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const node = await trx.selectFrom('nodes').select('id').where('id', '=', input.nodeId).executeTakeFirst();
    if (!node)
      throw new AppError('node-not-found', `Node ${input.nodeId} does not exist`, {
        errors: [{ pointer: '/nodeId', detail: 'no such node', in: 'body' }],
      });
    const item = await trx.selectFrom('items').select('sku').where('sku', '=', input.sku).executeTakeFirst();
    if (!item)
      throw new AppError('item-not-found', `Item ${input.sku} does not exist`, {
        errors: [{ pointer: '/sku', detail: 'no such item', in: 'body' }],
      });
    const status = input.status ?? 'open';
    const reference = input.reference ?? null;
    const { rows } = await sql<IncomingRow & { inserted: boolean }>`
      INSERT INTO incoming_supply AS s (id, node_id, sku, kind, quantity, expected_on, reference, status)
      VALUES (${id}, ${input.nodeId}, ${input.sku}, ${input.kind}, ${input.quantity}, ${input.expectedOn}::date,
        ${reference}, ${status})
      ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, sku = excluded.sku, kind = excluded.kind,
        quantity = excluded.quantity, expected_on = excluded.expected_on, reference = excluded.reference,
        status = excluded.status, version = s.version + 1, updated_at = now()
      WHERE (s.node_id, s.sku, s.kind, s.quantity, s.expected_on, s.reference, s.status)
        IS DISTINCT FROM (excluded.node_id, excluded.sku, excluded.kind, excluded.quantity, excluded.expected_on,
          excluded.reference, excluded.status)
      RETURNING ${columns}, (xmax = 0) AS inserted`.execute(trx);
    const changed = rows[0];
    if (!changed) return { incoming: await getIncoming(trx, id), created: false };
    const incoming = toIncoming(changed);
    await appendEvent(trx, {
      type: 'inventory.incoming-changed',
      aggregateType: 'incoming-supply',
      aggregateId: id,
      payload: incoming,
      actor,
    });
    return { incoming, created: changed.inserted };
  });
}

export async function getIncoming(db: Db, id: string): Promise<IncomingSupply> {
  const { rows } = await sql<IncomingRow>`SELECT ${columns} FROM incoming_supply WHERE id = ${id}`.execute(
    db,
  );
  const row = rows[0];
  if (!row) throw new AppError('incoming-not-found', `Incoming supply ${id} does not exist`);
  return toIncoming(row);
}

/** Open supply for one position, by expected day. */
export async function listIncomingFor(db: Db, nodeId: string, sku: string): Promise<IncomingSupply[]> {
  const { rows } = await sql<IncomingRow>`
    SELECT ${columns} FROM incoming_supply
    WHERE node_id = ${nodeId} AND sku = ${sku} AND status = 'open'
    ORDER BY expected_on, id`.execute(db);
  return rows.map(toIncoming);
}

export async function listIncoming(
  db: Db,
  query: IncomingQuery,
  onlyNodes?: string[],
): Promise<{ items: IncomingSupply[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, (v): v is string => typeof v === 'string');
  const { rows } = await sql<IncomingRow>`
    SELECT ${columns} FROM incoming_supply
    WHERE true
      ${after !== undefined ? sql`AND id > ${after}` : sql``}
      ${query.nodeId ? sql`AND node_id = ${query.nodeId}` : sql``}
      ${query.sku ? sql`AND sku = ${query.sku}` : sql``}
      ${query.status ? sql`AND status = ${query.status}` : sql``}
      ${onlyNodes ? sql`AND node_id = ANY(${onlyNodes}::text[])` : sql``}
    ORDER BY id LIMIT ${query.limit + 1}`.execute(db);
  const page = rows.slice(0, query.limit).map(toIncoming);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
}
