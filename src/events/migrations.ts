import { type Kysely, type Migration, sql } from 'kysely';

export const eventMigrations: Record<string, Migration> = {
  '0001-events-outbox': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE events (
          id uuid PRIMARY KEY,
          seq bigserial NOT NULL,
          position bigint UNIQUE,
          type text NOT NULL,
          aggregate_type text NOT NULL,
          aggregate_id text NOT NULL,
          aggregate_seq integer NOT NULL,
          payload jsonb NOT NULL,
          actor text,
          correlation_id text,
          occurred_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
        );
        CREATE INDEX events_unsequenced ON events (seq) WHERE position IS NULL;
        CREATE INDEX events_type_position ON events (type, position);
        CREATE TABLE event_sequences (
          aggregate_type text NOT NULL,
          aggregate_id text NOT NULL,
          last_seq integer NOT NULL,
          PRIMARY KEY (aggregate_type, aggregate_id)
        );
      `.execute(db);
    },
  },
};
