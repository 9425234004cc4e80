import type { ColumnType, Generated } from 'kysely';

/** The part of an order released to one node: a shipment, a ship-to-store transfer or a pickup task. */
export interface FulfilmentOrdersTable {
  id: string;
  order_id: string;
  /** 1, 2, 3... within the order (shown to people as "shipment 2 of 3"). */
  seq: number;
  node_id: string;
  kind: string;
  status: string;
  /** The node must accept before this (SLA); past it the work is withdrawn and routed again. */
  accept_by: Date | null;
  released_at: Date | null;
  accepted_at: Date | null;
  shipped_at: Date | null;
  completed_at: Date | null;
  carrier: string | null;
  tracking_number: string | null;
  promised_date: ColumnType<string | null, string | null, string | null>;
  days: number;
  miles: number;
  cost: ColumnType<unknown, string, string>;
  /** Why it was rejected, withdrawn or cancelled. */
  reason: string | null;
  /** The node-local day whose capacity it uses (null for nodes without a daily capacity). */
  capacity_day: ColumnType<string | null, string | null, string | null>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FulfilmentOrderLinesTable {
  id: string;
  fulfilment_order_id: string;
  order_line_id: string;
  sku: string;
  quantity: number;
  /** Units the node could not find when picking (short-pick); they are routed again. */
  short: Generated<number>;
  reservation_id: string | null;
}

/** Packages each node has taken on per local day; bounded by the node's daily capacity. */
export interface NodeCapacityUsageTable {
  node_id: string;
  day: ColumnType<string, string, string>;
  packages: number;
}

export interface FulfilmentTables {
  fulfilment_orders: FulfilmentOrdersTable;
  fulfilment_order_lines: FulfilmentOrderLinesTable;
  node_capacity_usage: NodeCapacityUsageTable;
}
