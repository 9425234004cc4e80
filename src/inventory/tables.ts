import type { ColumnType, Generated } from 'kysely';

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

/** The append-only ledger: one row per movement; on hand and reserved are its sums. */
export interface InventoryMovementsTable {
  id: Generated<number>;
  node_id: string;
  sku: string;
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  reason: string | null;
  actor: string | null;
  source: string | null;
  /** The feed's id of the update; unique per source (a re-sent update is applied once). */
  source_id: string | null;
  correlation_id: string | null;
  reservation_id: string | null;
  /** Business time: a feed's as-of time, else when it was recorded. Counts are reconciled on it. */
  occurred_at: Generated<Date>;
  recorded_at: Generated<Date>;
}

export interface ReservationsTable {
  id: string;
  /** The reserve request that created it (several lines, all or nothing). */
  request_id: string;
  line: number;
  line_id: string | null;
  node_id: string;
  sku: string;
  /** Units still held (open). */
  quantity: number;
  requested: number;
  consumed: Generated<number>;
  released: Generated<number>;
  status: string;
  owner_type: string;
  owner_id: string;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: Generated<number>;
}

export interface ReservationRequestsTable {
  idempotency_key: string;
  request_hash: string;
  response: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

/** Last applied sequence / as-of time per feed source and position: older updates are stale. */
export interface InventoryFeedMarksTable {
  source: string;
  node_id: string;
  sku: string;
  last_sequence: number | null;
  last_as_of: Date | null;
}

/** The latest applied count per position: an older count, or a delta dated before it, is stale. */
export interface InventoryLastCountsTable {
  node_id: string;
  sku: string;
  counted_at: Date;
  counted: number;
  source: string;
  source_id: string;
}

export interface SafetyStockDefaultsTable {
  node_kind: string;
  safety_stock: number;
}

export interface NodeSafetyStockTable {
  node_id: string;
  safety_stock: number;
}

export interface IncomingSupplyTable {
  id: string;
  node_id: string;
  sku: string;
  kind: string;
  quantity: number;
  /** The day the supply is expected to be on hand. */
  expected_on: ColumnType<string, string, string>;
  reference: string | null;
  status: string;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface InventoryTables {
  inventory_positions: InventoryPositionsTable;
  inventory_movements: InventoryMovementsTable;
  reservations: ReservationsTable;
  reservation_requests: ReservationRequestsTable;
  inventory_feed_marks: InventoryFeedMarksTable;
  inventory_last_counts: InventoryLastCountsTable;
  safety_stock_defaults: SafetyStockDefaultsTable;
  node_safety_stock: NodeSafetyStockTable;
  incoming_supply: IncomingSupplyTable;
}
