import type { Generated } from 'kysely';

/** A sales channel and the rules of what it may see (see docs/availability.md). */
export interface ChannelsTable {
  id: string;
  name: string;
  buffer_units: number;
  buffer_percent: number;
  /** Most units shown per sku; null = no cap. */
  cap: number | null;
  /** null = any kind. */
  allowed_kinds: string[] | null;
  /** null = any tags; otherwise the node needs at least one. */
  allowed_tags: string[] | null;
  include_node_ids: string[];
  exclude_node_ids: string[];
  active: boolean;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChannelTables {
  channels: ChannelsTable;
}
