import type { ColumnType, Generated } from 'kysely';

type Money = ColumnType<string, number | string, number | string>;

/** A return authorisation and, once received, where it arrived. */
export interface ReturnsTable {
  id: string;
  order_id: string;
  status: 'authorised' | 'received';
  method: 'mail' | 'in-store';
  /** Where the units are expected: the warehouse chosen for mail, the store for in-store. */
  node_id: string;
  /** Where they arrived (any node that accepts returns). */
  received_node_id: string | null;
  reason: string | null;
  currency: string;
  refund_total: ColumnType<string | null, number | string | null, number | string | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  received_by: string | null;
  received_at: Date | null;
  version: Generated<number>;
}

/** Units of one order line a return authorises, at the line's unit price. */
export interface ReturnLinesTable {
  id: string;
  return_id: string;
  order_line_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  unit_price: Money;
}

/** Units received for a return line, with their disposition and refund. */
export interface ReturnReceiptsTable {
  id: string;
  return_id: string;
  return_line_id: string;
  node_id: string;
  sku: string;
  quantity: number;
  disposition: 'restock' | 'damaged' | 'refurbish';
  refund: Money;
  created_at: Generated<Date>;
}

export interface ReturnTables {
  returns: ReturnsTable;
  return_lines: ReturnLinesTable;
  return_receipts: ReturnReceiptsTable;
}
