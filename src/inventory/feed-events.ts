import { sql } from 'kysely';
import { EVENTS_CHANNEL } from '../events/outbox.ts';
import type { Db } from '../platform/db/database.ts';

/**
 * One `inventory.adjusted` per position changed by a feed, written set-based: one statement
 * numbers them (the aggregate sequences, locked in aggregate order) and inserts them with the
 * counters after the batch and the batch's movements of that position; one notification wakes
 * the sequencer. The same rows `appendEvent` would write, without a round trip per position.
 */
export async function appendAdjustedEvents(
  trx: Db,
  actor: string | null,
  correlationId: string,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH c AS (SELECT DISTINCT node_id, sku FROM feed_changed),
    mv AS (
      SELECT node_id, sku,
        jsonb_agg(jsonb_build_object('kind', kind, 'onHandDelta', delta, 'sourceId', source_id)
          ORDER BY step, row_no) AS list
      FROM (
        SELECT 1 AS step, row_no, node_id, sku, kind, quantity AS delta, source_id FROM feed_plan
        WHERE status = 'apply' AND kind <> 'count'
        UNION ALL
        SELECT 2, row_no, node_id, sku, 'count-correction', correction, source_id FROM feed_counts
        WHERE correction <> 0
      ) x GROUP BY node_id, sku
    ),
    ev AS (
      SELECT p.node_id || '/' || p.sku AS aggregate_id,
        jsonb_build_object('nodeId', p.node_id, 'sku', p.sku, 'onHand', p.on_hand, 'reserved', p.reserved,
          'safetyStock', p.safety_stock, 'atp', greatest(p.on_hand - p.reserved - p.safety_stock, 0),
          'version', p.version, 'movements', coalesce(mv.list, '[]'::jsonb)) AS payload
      FROM c JOIN inventory_positions p ON p.node_id = c.node_id AND p.sku = c.sku
      LEFT JOIN mv ON mv.node_id = c.node_id AND mv.sku = c.sku
    ),
    seq AS (
      INSERT INTO event_sequences (aggregate_type, aggregate_id, last_seq)
      SELECT 'inventory-position', aggregate_id, 1 FROM ev ORDER BY aggregate_id
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = event_sequences.last_seq + 1
      RETURNING aggregate_id, last_seq
    ),
    ins AS (
      INSERT INTO events (id, type, aggregate_type, aggregate_id, aggregate_seq, payload, actor, correlation_id)
      SELECT gen_random_uuid(), 'inventory.adjusted', 'inventory-position', ev.aggregate_id, seq.last_seq,
        ev.payload, ${actor}, ${correlationId}
      FROM ev JOIN seq ON seq.aggregate_id = ev.aggregate_id
      ORDER BY ev.aggregate_id
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM ins`.execute(trx);
  const n = rows[0]?.n ?? 0;
  if (n > 0) await sql`SELECT pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
  return n;
}
