import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';

/**
 * A digest of every row of every table except bookkeeping, so a test can prove that a rejected
 * request changed nothing at all.
 */
export async function snapshotState(db: Db): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE 'kysely_%' AND table_name <> 'api_keys'
    ORDER BY table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const { rows } = await sql<{ digest: string | null }>`
      SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${sql.table(table_name)} t`.execute(
      db,
    );
    out[table_name] = rows[0]?.digest ?? 'empty';
  }
  return out;
}
