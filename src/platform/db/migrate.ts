import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { catalogMigrations } from '../../catalog/migrations.ts';
import { eventMigrations } from '../../events/migrations.ts';
import { inventoryMigrations } from '../../inventory/migrations.ts';
import { networkMigrations } from '../../network/migrations.ts';
import { authMigrations } from '../auth/migrations.ts';
import type { Db } from './database.ts';

/**
 * Every domain owns its migrations; names start with a global sequence number so they apply in
 * a stable order. New domains add their list here.
 */
export function allMigrations(): Record<string, Migration> {
  return {
    ...eventMigrations,
    ...authMigrations,
    ...networkMigrations,
    ...catalogMigrations,
    ...inventoryMigrations,
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
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
