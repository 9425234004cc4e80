import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { catalogMigrations } from '../../catalog/migrations.ts';
import { availabilityFeedMigrations } from '../../channels/availability-feed-migrations.ts';
import { channelMigrations } from '../../channels/migrations.ts';
import { deliveryMigrations } from '../../events/delivery-migrations.ts';
import { pruningMigrations } from '../../events/delivery-pruning.ts';
import { eventMigrations } from '../../events/migrations.ts';
import { secretMigrations } from '../../events/webhook-secret-reseal.ts';
import { fulfilmentMigrations } from '../../fulfilment/migrations.ts';
import { policyMigrations } from '../../fulfilment/policy-migrations.ts';
import { inventoryMigrations } from '../../inventory/migrations.ts';
import { networkMigrations } from '../../network/migrations.ts';
import { orderMigrations } from '../../orders/migrations.ts';
import { returnMigrations } from '../../returns/migrations.ts';
import { authMigrations } from '../auth/migrations.ts';
import type { Db } from './database.ts';

/**
 * Every domain owns its migrations; names start with a global sequence number so they apply in
 * a stable order. New domains add their list here.
 */
export function allMigrations(): Record<string, Migration> {
  return {
    ...eventMigrations,
    ...deliveryMigrations,
    ...secretMigrations,
    ...pruningMigrations,
    ...authMigrations,
    ...networkMigrations,
    ...catalogMigrations,
    ...inventoryMigrations,
    ...channelMigrations,
    ...availabilityFeedMigrations,
    ...orderMigrations,
    ...fulfilmentMigrations,
    ...policyMigrations,
    ...returnMigrations,
  };
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return allMigrations();
  }
}

export interface MigrationReport {
  applied: string[];
}

/** Applies pending migrations; safe to run from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  // Domains own numbered ranges, so a new migration of one domain may sort before the newest of another.
  const migrator = new Migrator({ db, provider: new StaticProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
