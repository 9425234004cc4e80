import { sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { AvailabilityIndex, type NodeMeta } from '../inventory/availability-index.ts';
import { loadChannelRules } from '../inventory/availability-snapshot.ts';
import type { Db } from '../platform/db/database.ts';

/** Held by every feed write: the refreshers of all instances take turns, so change numbers commit in order. */
export const FEED_LOCK = 727_201;
export const FEED_CHANGED_EVENT = 'channel-availability.changed';

export interface FeedRefreshResult {
  /** Skus looked at. */
  skus: number;
  /** channel×sku rows whose quantity changed (one event each). */
  changed: number;
}

interface Row {
  channel: string;
  sku: string;
  quantity: number;
  previous: number;
}

/**
 * Recomputes the sellable quantity of these skus for every channel, with the same rules and code as
 * `GET /v1/availability` (an AvailabilityIndex built from the database), and publishes what differs
 * from the last published value: the rows and one `channel-availability.changed` event per change,
 * in one transaction. A sku with a position gets a row in each channel even at 0 (so a full read of
 * the feed lists it); a row whose quantity is unchanged is not touched.
 *
 * Reads happen after the lock is taken (READ COMMITTED), so a refresher always sees at least what
 * the previous one saw: overlapping refreshers never publish an older value over a newer one.
 */
export async function refreshChannelAvailability(
  db: Db,
  skus: readonly string[],
): Promise<FeedRefreshResult> {
  if (skus.length === 0) return { skus: 0, changed: 0 };
  const list = [...new Set(skus)];
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${FEED_LOCK})`.execute(trx);
    const nodes = await trx
      .selectFrom('nodes')
      .select(['id', 'kind', 'status', 'lat', 'lon', 'capabilities', 'tags', 'version'])
      .execute();
    const channels = await loadChannelRules(trx);
    const positions = await trx
      .selectFrom('inventory_positions')
      .select(['node_id', 'sku', 'on_hand', 'reserved', 'safety_stock', 'version'])
      .where(sql<boolean>`sku = ANY(${list}::text[])`)
      .execute();
    const published = await trx
      .selectFrom('channel_availability')
      .select(['channel_id', 'sku', 'quantity'])
      .where(sql<boolean>`sku = ANY(${list}::text[])`)
      .execute();
    const index = AvailabilityIndex.build({
      nodes: nodes satisfies NodeMeta[],
      channels,
      positions: positions.map((p) => ({
        nodeId: p.node_id,
        sku: p.sku,
        onHand: p.on_hand,
        reserved: p.reserved,
        safety: p.safety_stock,
        version: Number(p.version),
      })),
    });
    const stocked = new Set(positions.map((p) => p.sku));
    const last = new Map(published.map((r) => [`${r.channel_id}\t${r.sku}`, r.quantity]));
    const rows: Row[] = [];
    for (const channel of channels) {
      for (const sku of list) {
        const before = last.get(`${channel.id}\t${sku}`);
        if (before === undefined && !stocked.has(sku)) continue;
        const quantity = index.networkAtp(sku, channel.id);
        if (before === quantity) continue;
        rows.push({ channel: channel.id, sku, quantity, previous: before ?? 0 });
      }
    }
    if (rows.length === 0) return { skus: list.length, changed: 0 };
    await sql`
      INSERT INTO channel_availability (channel_id, sku, quantity, previous, change_seq, changed_at)
      SELECT c, s, q, p, nextval('channel_availability_change_seq'), now()
      FROM unnest(${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.sku)}::text[],
                  ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.previous)}::int[])
           AS u(c, s, q, p)
      ON CONFLICT (channel_id, sku) DO UPDATE
        SET quantity = EXCLUDED.quantity, previous = EXCLUDED.previous,
            change_seq = EXCLUDED.change_seq, changed_at = EXCLUDED.changed_at`.execute(trx);
    let changed = 0;
    for (const r of rows) {
      // A first row at 0 is not a change of what a channel may sell: listed, but no event.
      if (r.quantity === r.previous) continue;
      changed++;
      await appendEvent(trx, {
        type: FEED_CHANGED_EVENT,
        aggregateType: 'channel-availability',
        aggregateId: `${r.channel}/${r.sku}`,
        payload: { channel: r.channel, sku: r.sku, quantity: r.quantity, previous: r.previous },
        actor: null,
      });
    }
    return { skus: list.length, changed };
  });
}

/**
 * Recomputes every sku (those with a position or a published row), a chunk of skus per
 * transaction: the start of every refresh loop, and a channel or node change.
 */
export async function refreshAllChannelAvailability(db: Db, chunk = 1_000): Promise<FeedRefreshResult> {
  const total: FeedRefreshResult = { skus: 0, changed: 0 };
  let after = '';
  for (;;) {
    const { rows } = await sql<{ sku: string }>`
      SELECT sku FROM (
        SELECT DISTINCT sku FROM inventory_positions WHERE sku > ${after}
        UNION
        SELECT DISTINCT sku FROM channel_availability WHERE sku > ${after}
      ) s ORDER BY sku LIMIT ${chunk}`.execute(db);
    if (rows.length === 0) return total;
    const result = await refreshChannelAvailability(
      db,
      rows.map((r) => r.sku),
    );
    total.skus += result.skus;
    total.changed += result.changed;
    after = rows[rows.length - 1]!.sku;
  }
}
