import { type Kysely, type Migration, sql } from 'kysely';

export const networkMigrations: Record<string, Migration> = {
  '0003-nodes': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE nodes (
          id text PRIMARY KEY,
          kind text NOT NULL CHECK (kind IN ('warehouse', 'store', '3pl', 'dropship')),
          name text NOT NULL,
          address jsonb NOT NULL DEFAULT '{}',
          lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
          lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
          timezone text NOT NULL,
          capabilities text[] NOT NULL,
          handling_cost double precision NOT NULL CHECK (handling_cost >= 0),
          daily_capacity integer CHECK (daily_capacity >= 0),
          cutoff_time text NOT NULL,
          processing_days integer NOT NULL CHECK (processing_days >= 0),
          status text NOT NULL CHECK (status IN ('online', 'paused', 'offline')),
          tags text[] NOT NULL DEFAULT '{}',
          priority_group text,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX nodes_kind ON nodes (kind, id);
        CREATE INDEX nodes_tags ON nodes USING gin (tags);
      `.execute(db);
    },
  },
};
