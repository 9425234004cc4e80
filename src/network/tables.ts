import type { ColumnType, Generated } from 'kysely';

export interface NodesTable {
  id: string;
  kind: string;
  name: string;
  address: ColumnType<NodeAddressRow, string, string>;
  lat: number;
  lon: number;
  timezone: string;
  capabilities: string[];
  handling_cost: number;
  daily_capacity: number | null;
  cutoff_time: string;
  processing_days: number;
  status: string;
  tags: string[];
  priority_group: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NodeAddressRow {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export interface NetworkTables {
  nodes: NodesTable;
}
