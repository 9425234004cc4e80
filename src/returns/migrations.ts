import { type Kysely, type Migration, sql } from 'kysely';

/** Returns own 0050–0059. */
export const returnMigrations: Record<string, Migration> = {
  '0050-returns': {
    async up(db: Kysely<unknown>) {
      // A return authorises units of shipped order lines; receipts record what arrived where and
      // its disposition. Units "taken" by returns (authorised, or received once a return is
      // received) never exceed a line's shipped units: checked under the order's row lock.
      await sql`
        CREATE TABLE returns (
          id uuid PRIMARY KEY,
          order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
          status text NOT NULL CHECK (status IN ('authorised', 'received')),
          method text NOT NULL CHECK (method IN ('mail', 'in-store')),
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
          received_node_id text REFERENCES nodes (id) ON DELETE RESTRICT,
          reason text,
          currency text NOT NULL,
          refund_total numeric(14, 4),
          created_by text,
          created_at timestamptz NOT NULL DEFAULT now(),
          received_by text,
          received_at timestamptz,
          version integer NOT NULL DEFAULT 1,
          CHECK ((status = 'received') = (received_at IS NOT NULL))
        );
        CREATE INDEX returns_order ON returns (order_id, created_at);

        CREATE TABLE return_lines (
          id uuid PRIMARY KEY,
          return_id uuid NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
          order_line_id uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
          line_no integer NOT NULL,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity > 0),
          unit_price numeric(14, 4) NOT NULL,
          UNIQUE (return_id, order_line_id)
        );
        CREATE INDEX return_lines_order_line ON return_lines (order_line_id);

        CREATE TABLE return_receipts (
          id uuid PRIMARY KEY,
          return_id uuid NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
          return_line_id uuid NOT NULL REFERENCES return_lines (id) ON DELETE CASCADE,
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity > 0),
          disposition text NOT NULL CHECK (disposition IN ('restock', 'damaged', 'refurbish')),
          refund numeric(14, 4) NOT NULL CHECK (refund >= 0),
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX return_receipts_return ON return_receipts (return_id);
      `.execute(db);
    },
  },
};
