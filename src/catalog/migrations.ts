import { type Kysely, type Migration, sql } from 'kysely';

export const catalogMigrations: Record<string, Migration> = {
  '0004-items': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE items (
          sku text PRIMARY KEY,
          name text NOT NULL,
          weight_lb double precision NOT NULL CHECK (weight_lb > 0),
          size_class text NOT NULL CHECK (size_class IN ('small', 'medium', 'large', 'oversize')),
          hazmat boolean NOT NULL DEFAULT false,
          oversize boolean NOT NULL DEFAULT false,
          attributes jsonb NOT NULL DEFAULT '{}',
          active boolean NOT NULL DEFAULT true,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
      `.execute(db);
    },
  },
};
