import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import { sequenceAll } from './sequencer.ts';

/** Where an export stands in the outbox: the position of the last event it has read. */
interface PositionCursor {
  x: string;
  p: number;
}

export interface ChangedIds {
  /** Ids named by the events read, first mention first, each once. */
  ids: string[];
  nextCursor: string;
  hasMore: boolean;
}

/**
 * The ids of the records that events of these types changed after a cursor (the payload field
 * `idField`), for an export's "what changed since I last looked". It reads the outbox by
 * `position`, which the sequencer gives only to committed events, in order: a change that commits
 * late gets a later position, so a reader never steps past it. `limit` bounds the events read per
 * call; a record changed again later comes again later (exports are keyed by id: the latest wins).
 * `exportName` is stamped into the cursor so one export's cursor is refused by another.
 */
export async function changedIdsSince(
  db: Db,
  opts: { exportName: string; types: readonly string[]; idField: string; cursor?: string; limit: number },
): Promise<ChangedIds> {
  const cursor = decodeCursor(
    opts.cursor,
    (v): v is PositionCursor =>
      typeof v === 'object' &&
      v !== null &&
      (v as PositionCursor).x === opts.exportName &&
      Number.isSafeInteger((v as PositionCursor).p) &&
      (v as PositionCursor).p >= 0,
  );
  const after = cursor?.p ?? 0;
  await sequenceAll(db);
  const { rows } = await sql<{ position: number; id: string | null }>`
    SELECT position, payload ->> ${opts.idField} AS id FROM events
    WHERE type = ANY(${opts.types}::text[]) AND position > ${after}
    ORDER BY position LIMIT ${opts.limit + 1}`.execute(db);
  const hasMore = rows.length > opts.limit;
  const page = hasMore ? rows.slice(0, opts.limit) : rows;
  const ids = [...new Set(page.flatMap((r) => (r.id ? [r.id] : [])))];
  const last = page[page.length - 1];
  const p = last ? Number(last.position) : after;
  return { ids, nextCursor: encodeCursor({ x: opts.exportName, p } satisfies PositionCursor), hasMore };
}
