import type { ChannelRule } from '../channels/channel-rules.ts';
import { toChannelRule } from '../channels/channel-service.ts';
import type { Db } from '../platform/db/database.ts';
import { AvailabilityIndex, type NodeMeta, type PositionChange } from './availability-index.ts';

/**
 * Reads nodes, channels and every position in one REPEATABLE READ snapshot and builds a fresh
 * index from it. The caller LISTENs before calling, so whatever commits after the snapshot is
 * notified and replayed on top (versions make the replay idempotent).
 */
export async function loadAvailabilityIndex(db: Db): Promise<AvailabilityIndex> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const nodes = await trx
        .selectFrom('nodes')
        .select(['id', 'kind', 'status', 'lat', 'lon', 'capabilities', 'tags', 'version'])
        .execute();
      const channels = await trx.selectFrom('channels').selectAll().orderBy('id').execute();
      const positions = await trx
        .selectFrom('inventory_positions')
        .select(['node_id', 'sku', 'on_hand', 'reserved', 'safety_stock', 'version'])
        .execute();
      return AvailabilityIndex.build({
        nodes: nodes satisfies NodeMeta[],
        channels: channels.map(toChannelRule),
        positions: positions.map(
          (p): PositionChange => ({
            nodeId: p.node_id,
            sku: p.sku,
            onHand: p.on_hand,
            reserved: p.reserved,
            safety: p.safety_stock,
            version: Number(p.version),
          }),
        ),
      });
    });
}

/** Every channel's rule (channels are few: a change re-reads them all). */
export async function loadChannelRules(db: Db): Promise<ChannelRule[]> {
  return (await db.selectFrom('channels').selectAll().orderBy('id').execute()).map(toChannelRule);
}
