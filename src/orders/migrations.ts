import { type Kysely, type Migration, sql } from 'kysely';

/** Orders own 0030–0039 (fulfilment 0040–0049). */
export const orderMigrations: Record<string, Migration> = {
  '0030-orders': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE orders (
          id uuid PRIMARY KEY,
          channel text NOT NULL,
          external_id text NOT NULL,
          status text NOT NULL,
          status_reason text,
          customer jsonb NOT NULL,
          destination jsonb NOT NULL,
          dest_lat double precision NOT NULL,
          dest_lon double precision NOT NULL,
          fulfilment text NOT NULL CHECK (fulfilment IN ('ship', 'pickup', 'ship-to-store')),
          pickup_node text REFERENCES nodes (id) ON DELETE RESTRICT,
          service_level text NOT NULL,
          priority smallint NOT NULL,
          currency text NOT NULL,
          placed_at timestamptz NOT NULL,
          holds text[] NOT NULL DEFAULT '{}',
          excluded_nodes text[] NOT NULL DEFAULT '{}',
          notes text,
          needs_allocation boolean NOT NULL DEFAULT false,
          waiting_since timestamptz,
          attempted boolean NOT NULL DEFAULT false,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          -- The idempotency key of capture: one order per channel order id.
          UNIQUE (channel, external_id)
        );
        CREATE INDEX orders_waiting ON orders (priority, waiting_since, id) WHERE needs_allocation;
        CREATE INDEX orders_status ON orders (status, created_at, id);
        CREATE INDEX orders_created ON orders (created_at, id);

        CREATE TABLE order_lines (
          id uuid PRIMARY KEY,
          order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
          line_no integer NOT NULL,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity > 0),
          price numeric(14, 4) NOT NULL,
          external_line_id text,
          cancelled integer NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
          allocated integer NOT NULL DEFAULT 0 CHECK (allocated >= 0),
          shipped integer NOT NULL DEFAULT 0 CHECK (shipped >= 0),
          CHECK (cancelled + allocated + shipped <= quantity),
          UNIQUE (order_id, line_no)
        );

        CREATE TABLE order_decisions (
          id uuid PRIMARY KEY,
          order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
          trigger text NOT NULL,
          outcome text NOT NULL,
          strategy text NOT NULL,
          plan jsonb NOT NULL,
          cost jsonb NOT NULL,
          explanation jsonb NOT NULL,
          excluded_nodes text[] NOT NULL DEFAULT '{}',
          policy_id text,
          policy_version integer,
          created_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX order_decisions_order ON order_decisions (order_id, created_at);
      `.execute(db);
    },
  },
  '0031-order-line-status': {
    async up(db: Kysely<unknown>) {
      // A line's status as last settled: a change of it is recorded as an `order-line.<status>` event.
      await sql`ALTER TABLE order_lines ADD COLUMN status text NOT NULL DEFAULT 'created'`.execute(db);
    },
  },
  '0032-capture-guard': {
    async up(db: Kysely<unknown>) {
      // Aborts a one-statement capture (all of it: capacity, reservation, order) when one of its
      // guards failed; the message names which (see capture-statement.ts).
      await sql`
        CREATE FUNCTION capture_guard(failure text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
          IF failure IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'OGC01', MESSAGE = failure;
          END IF;
          RETURN true;
        END $$;
      `.execute(db);
    },
  },
};
