import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

const SEQUENCER_LOCK = 727_001;

/**
 * Gives committed events their global position. Positions are assigned only to rows already
 * committed, by one sequencer at a time (advisory lock), in insertion order — so a reader that
 * pages by position never skips an event that commits late, and the events of one aggregate keep
 * their order (a later event of an aggregate can only be inserted after the earlier one committed).
 * Returns how many events were sequenced.
 */
export async function sequenceEvents(db: Db, batch = 5_000): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(trx);
    const result = await sql<{ n: number }>`
      WITH pending AS (
        SELECT id, row_number() OVER (ORDER BY seq) AS rn
        FROM (SELECT id, seq FROM events WHERE position IS NULL ORDER BY seq LIMIT ${batch}) p
      ),
      top AS (SELECT coalesce(max(position), 0) AS maxpos FROM events)
      UPDATE events e SET position = top.maxpos + pending.rn
      FROM pending, top
      WHERE e.id = pending.id
      RETURNING 1 AS n
    `.execute(trx);
    return result.rows.length;
  });
}

/** Sequences until nothing is pending. */
export async function sequenceAll(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sequenceEvents(db);
    total += n;
    if (n === 0) return total;
  }
}
