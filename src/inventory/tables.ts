import type { Generated } from 'kysely';

/**
 * Current counters per node and sku. They always equal the sums of the ledger (see
 * docs/inventory.md); `safety_stock` is the effective value (position override, else the node's,
 * else its kind's default), kept materialised so the reservation check is one conditional UPDATE.
 */
export interface InventoryPositionsTable {
  node_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  safety_stock: Generated<number>;
  /** Per-position override of safety stock; null = inherit from node / kind. */
  safety_override: number | null;
  reorder_point: number | null;
  /** Bumped on every change; the availability index applies a change only if it is newer. */
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface InventoryTables {
  inventory_positions: InventoryPositionsTable;
}
