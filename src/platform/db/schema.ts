import type { CatalogTables } from '../../catalog/tables.ts';
import type { EventTables } from '../../events/tables.ts';
import type { InventoryTables } from '../../inventory/tables.ts';
import type { NetworkTables } from '../../network/tables.ts';
import type { AuthTables } from '../auth/tables.ts';

/** The whole database as Kysely sees it: each domain declares its own tables. */
export interface Database extends EventTables, AuthTables, NetworkTables, CatalogTables, InventoryTables {}
