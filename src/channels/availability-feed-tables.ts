import type { Generated } from 'kysely';

/** The last published sellable quantity of a sku for a channel (see docs/channel-feeds.md). */
export interface ChannelAvailabilityTable {
  channel_id: string;
  sku: string;
  quantity: number;
  /** The quantity before the last change (0 for a row's first publication). */
  previous: number;
  /** Global change number of the last change; the changes-since cursor pages by it. */
  change_seq: number;
  changed_at: Generated<Date>;
}

export interface AvailabilityFeedTables {
  channel_availability: ChannelAvailabilityTable;
}
