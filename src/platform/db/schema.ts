import type { CatalogTables } from '../../catalog/tables.ts';
import type { AvailabilityFeedTables } from '../../channels/availability-feed-tables.ts';
import type { ChannelTables } from '../../channels/tables.ts';
import type { DeliveryTables } from '../../events/delivery-tables.ts';
import type { EventTables } from '../../events/tables.ts';
import type { PolicyTables } from '../../fulfilment/policy-tables.ts';
import type { FulfilmentTables } from '../../fulfilment/tables.ts';
import type { InventoryTables } from '../../inventory/tables.ts';
import type { NetworkTables } from '../../network/tables.ts';
import type { OrderTables } from '../../orders/tables.ts';
import type { ReturnTables } from '../../returns/tables.ts';
import type { AuthTables } from '../auth/tables.ts';

/** The whole database as Kysely sees it: each domain declares its own tables. */
export interface Database
  extends EventTables,
    DeliveryTables,
    AuthTables,
    NetworkTables,
    CatalogTables,
    InventoryTables,
    ChannelTables,
    AvailabilityFeedTables,
    OrderTables,
    FulfilmentTables,
    PolicyTables,
    ReturnTables {}
