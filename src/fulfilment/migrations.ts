import { type Kysely, type Migration, sql } from 'kysely';

/** Fulfilment owns 0040–0049. */
export const fulfilmentMigrations: Record<string, Migration> = {
  '0040-fulfilment-orders': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE fulfilment_orders (
          id uuid PRIMARY KEY,
          order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
          seq integer NOT NULL,
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
          kind text NOT NULL CHECK (kind IN ('shipment', 'pickup', 'ship-to-store')),
          status text NOT NULL,
          accept_by timestamptz,
          released_at timestamptz,
          accepted_at timestamptz,
          shipped_at timestamptz,
          completed_at timestamptz,
          carrier text,
          tracking_number text,
          promised_date date,
          days integer NOT NULL,
          miles double precision NOT NULL,
          cost jsonb NOT NULL,
          reason text,
          capacity_day date,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (order_id, seq)
        );
        CREATE INDEX fulfilment_orders_order ON fulfilment_orders (order_id);
        CREATE INDEX fulfilment_orders_queue ON fulfilment_orders (node_id, status, created_at, id);
        CREATE INDEX fulfilment_orders_sla ON fulfilment_orders (accept_by) WHERE status = 'released';

        CREATE TABLE fulfilment_order_lines (
          id uuid PRIMARY KEY,
          fulfilment_order_id uuid NOT NULL REFERENCES fulfilment_orders (id) ON DELETE CASCADE,
          order_line_id uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity > 0),
          short integer NOT NULL DEFAULT 0 CHECK (short >= 0 AND short <= quantity),
          reservation_id uuid
        );
        CREATE INDEX fulfilment_order_lines_fo ON fulfilment_order_lines (fulfilment_order_id);

        CREATE TABLE node_capacity_usage (
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
          day date NOT NULL,
          packages integer NOT NULL CHECK (packages >= 0),
          PRIMARY KEY (node_id, day)
        );
      `.execute(db);
    },
  },
};
