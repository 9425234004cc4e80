import { type Kysely, type Migration, sql } from 'kysely';

export const authMigrations: Record<string, Migration> = {
  '0002-api-keys': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE api_keys (
          id uuid PRIMARY KEY,
          name text NOT NULL,
          role text NOT NULL CHECK (role IN ('admin', 'integration', 'associate', 'viewer')),
          node_ids text[] NOT NULL DEFAULT '{}',
          prefix text NOT NULL,
          secret_hash text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz,
          revoked_at timestamptz,
          last_used_at timestamptz
        );
        CREATE INDEX api_keys_prefix ON api_keys (prefix);
      `.execute(db);
    },
  },
};
