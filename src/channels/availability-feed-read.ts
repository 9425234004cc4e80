import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { decodeCursor, encodeCursor } from '../platform/http/cursor.ts';
import type { ChangesPage, FeedPage, FeedQuery } from './availability-feed-schema.ts';

/** Full read: the last sku returned and the change number the read started at. */
interface FullCursor {
  c: string;
  k: string;
  w: number;
}
/** Changes read: the last change number returned. */
interface ChangesCursor {
  c: string;
  s: number;
}

const isFull = (v: unknown): v is FullCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as FullCursor).c === 'string' &&
  typeof (v as FullCursor).k === 'string' &&
  Number.isSafeInteger((v as FullCursor).w) &&
  (v as FullCursor).w >= 0;
const isChanges = (v: unknown): v is ChangesCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ChangesCursor).c === 'string' &&
  Number.isSafeInteger((v as ChangesCursor).s) &&
  (v as ChangesCursor).s >= 0;

function otherChannel(): AppError {
  return new AppError('invalid-cursor', 'The cursor belongs to another channel', {
    errors: [{ pointer: '/cursor', detail: 'issued for another channel', in: 'query' }],
  });
}

async function assertChannel(db: Db, channel: string): Promise<void> {
  const row = await db.selectFrom('channels').select('id').where('id', '=', channel).executeTakeFirst();
  if (!row) throw new AppError('channel-not-found', `Channel ${channel} does not exist`);
}

/** The newest change number of a channel: every change after it commits with a larger one. */
async function watermark(db: Db, channel: string): Promise<number> {
  const { rows } = await sql<{ w: number }>`
    SELECT coalesce(max(change_seq), 0)::bigint AS w FROM channel_availability WHERE channel_id = ${channel}`.execute(
    db,
  );
  return Number(rows[0]?.w ?? 0);
}

/** One page of a channel's rows after a key, by sku or by change number, and whether more follow. */
async function feedRows(
  db: Db,
  channel: string,
  by: 'sku' | 'change_seq',
  after: string | number,
  limit: number,
) {
  const rows = await db
    .selectFrom('channel_availability')
    .select(['sku', 'quantity', 'previous', 'change_seq', 'changed_at'])
    .where('channel_id', '=', channel)
    .where(by, '>', after)
    .orderBy(by)
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { page, more, last: page[page.length - 1] };
}

/**
 * Every sku of a channel's feed with its sellable quantity (0 included), by sku. `changesCursor`
 * is the change number at the first page, so following the full read with the changes read misses
 * nothing that changed while the pages were read.
 */
export async function readFeed(db: Db, channel: string, query: FeedQuery): Promise<FeedPage> {
  const cursor = decodeCursor(query.cursor, isFull);
  if (cursor && cursor.c !== channel) throw otherChannel();
  await assertChannel(db, channel);
  const w = cursor?.w ?? (await watermark(db, channel));
  const { page, more, last } = await feedRows(db, channel, 'sku', cursor?.k ?? '', query.limit);
  return {
    channel,
    items: page.map((r) => ({ sku: r.sku, quantity: r.quantity, changedAt: r.changed_at.toISOString() })),
    nextCursor: more && last ? encodeCursor({ c: channel, k: last.sku, w } satisfies FullCursor) : null,
    changesCursor: encodeCursor({ c: channel, s: w } satisfies ChangesCursor),
  };
}

/**
 * The rows whose quantity changed after the cursor, in change order, with the new quantity and the
 * one before (drops to 0 included). A row that changed twice appears once, at its latest change.
 */
export async function readFeedChanges(db: Db, channel: string, query: FeedQuery): Promise<ChangesPage> {
  const cursor = decodeCursor(query.cursor, isChanges);
  if (cursor && cursor.c !== channel) throw otherChannel();
  await assertChannel(db, channel);
  const after = cursor?.s ?? 0;
  const { page, more, last } = await feedRows(db, channel, 'change_seq', after, query.limit);
  return {
    channel,
    items: page.map((r) => ({
      sku: r.sku,
      quantity: r.quantity,
      previous: r.previous,
      changedAt: r.changed_at.toISOString(),
    })),
    nextCursor: encodeCursor({
      c: channel,
      s: last ? Number(last.change_seq) : after,
    } satisfies ChangesCursor),
    hasMore: more,
  };
}
