import type { ColumnType, Generated } from 'kysely';

export interface ItemsTable {
  sku: string;
  name: string;
  weight_lb: number;
  size_class: string;
  hazmat: boolean;
  oversize: boolean;
  attributes: ColumnType<Record<string, string>, string, string>;
  active: boolean;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CatalogTables {
  items: ItemsTable;
}
