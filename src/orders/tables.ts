import type { ColumnType, Generated } from 'kysely';

type Json<T = unknown> = ColumnType<T, string, string>;

/** One captured order; `status` is derived from where its units are (src/orders/order-states.ts). */
export interface OrdersTable {
  id: string;
  channel: string;
  external_id: string;
  status: string;
  /** Why the order waits (backordered, held, unroutable), for people; null when nothing waits. */
  status_reason: string | null;
  customer: Json;
  /** The destination as sent, plus the resolved point and how it was found. */
  destination: Json;
  dest_lat: number;
  dest_lon: number;
  fulfilment: string;
  pickup_node: string | null;
  service_level: string;
  /** 0 = next-day first, 2 = standard last: the order backorders are served in. */
  priority: number;
  currency: string;
  placed_at: Date;
  /** Active holds (payment, fraud...): fulfilment orders are not released while any is set. */
  holds: ColumnType<string[], string[], string[]>;
  /** Nodes this order must not be routed to again (they rejected it, timed out, went offline). */
  excluded_nodes: ColumnType<string[], string[], string[]>;
  notes: string | null;
  /** True when some units wait for routing (capture, re-route, backorder): the allocation sweep picks it. */
  needs_allocation: boolean;
  /** When its units started waiting: backorders are served first come, first served. */
  waiting_since: Date | null;
  /** Routing was tried at least once (pending units are then "backordered", not "created"). */
  attempted: boolean;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Units of a line: quantity = cancelled + allocated (in open fulfilment orders) + shipped + pending. */
export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  price: ColumnType<number, number, number>;
  external_line_id: string | null;
  cancelled: Generated<number>;
  allocated: Generated<number>;
  shipped: Generated<number>;
  /** Where most of its units are (`lineStatus`), as last settled; changes are events. */
  status: Generated<string>;
}

/** Every routing decision taken for an order, with the engine's explanation. */
export interface OrderDecisionsTable {
  id: string;
  order_id: string;
  /** capture, reject, sla-expired, node-unavailable, backorder, change, short-pick, sweep. */
  trigger: string;
  outcome: string;
  strategy: string;
  plan: Json;
  cost: Json;
  explanation: Json;
  excluded_nodes: ColumnType<string[], string[], string[]>;
  policy_id: string | null;
  policy_version: number | null;
  created_at: Generated<Date>;
}

export interface OrderTables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_decisions: OrderDecisionsTable;
}
