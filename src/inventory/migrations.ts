import { type Kysely, type Migration, sql } from 'kysely';

export const INVENTORY_CHANNEL = 'ordergrid_inventory';

export const inventoryMigrations: Record<string, Migration> = {
  '0010-inventory-positions': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE inventory_positions (
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
          sku text NOT NULL REFERENCES items (sku) ON DELETE RESTRICT,
          on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
          reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
          safety_stock integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
          safety_override integer CHECK (safety_override >= 0),
          reorder_point integer CHECK (reorder_point >= 0),
          version bigint NOT NULL DEFAULT 1,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (node_id, sku)
        );
        CREATE INDEX inventory_positions_sku ON inventory_positions (sku, node_id);

        -- Every change is broadcast (at commit) to the availability index of every instance:
        -- payload "node_id<TAB>sku<TAB>on_hand<TAB>reserved<TAB>safety_stock<TAB>version".
        -- A bulk import may set ordergrid.bulk = 'on' for its transaction and send one '*' (reload) instead.
        CREATE FUNCTION inventory_positions_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF coalesce(current_setting('ordergrid.bulk', true), '') = 'on' THEN
            RETURN NULL;
          END IF;
          PERFORM pg_notify('ordergrid_inventory',
            NEW.node_id || E'\t' || NEW.sku || E'\t' || NEW.on_hand || E'\t' || NEW.reserved || E'\t' ||
            NEW.safety_stock || E'\t' || NEW.version);
          RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER inventory_positions_notify AFTER INSERT OR UPDATE ON inventory_positions
          FOR EACH ROW EXECUTE FUNCTION inventory_positions_notify();
      `.execute(db);
    },
  },

  '0011-inventory-ledger': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE inventory_movements (
          id bigserial PRIMARY KEY,
          node_id text NOT NULL,
          sku text NOT NULL,
          kind text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'count-correction', 'reserve', 'release',
            'ship', 'return-restock', 'transfer-out', 'transfer-in')),
          on_hand_delta integer NOT NULL,
          reserved_delta integer NOT NULL,
          reason text,
          actor text,
          source text,
          source_id text,
          correlation_id text,
          reservation_id uuid,
          occurred_at timestamptz NOT NULL DEFAULT now(),
          recorded_at timestamptz NOT NULL DEFAULT now()
        );
        -- History pages and the verifier read per position in id order; counts sum per position after a time.
        CREATE INDEX inventory_movements_position ON inventory_movements (node_id, sku, id);
        CREATE INDEX inventory_movements_occurred ON inventory_movements (node_id, sku, occurred_at);
        -- A re-sent feed update (same source and source id) is applied once.
        CREATE UNIQUE INDEX inventory_movements_source_id ON inventory_movements (source, source_id)
          WHERE source_id IS NOT NULL;

        CREATE TABLE inventory_feed_marks (
          source text NOT NULL,
          node_id text NOT NULL,
          sku text NOT NULL,
          last_sequence bigint,
          last_as_of timestamptz,
          PRIMARY KEY (source, node_id, sku)
        );
        CREATE TABLE inventory_last_counts (
          node_id text NOT NULL,
          sku text NOT NULL,
          counted_at timestamptz NOT NULL,
          counted integer NOT NULL,
          source text NOT NULL,
          source_id text NOT NULL,
          PRIMARY KEY (node_id, sku)
        );
      `.execute(db);
    },
  },
  '0012-reservations': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE reservations (
          id uuid PRIMARY KEY,
          request_id uuid NOT NULL,
          line integer NOT NULL,
          line_id text,
          node_id text NOT NULL,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity >= 0),
          requested integer NOT NULL CHECK (requested > 0),
          consumed integer NOT NULL DEFAULT 0 CHECK (consumed >= 0),
          released integer NOT NULL DEFAULT 0 CHECK (released >= 0),
          status text NOT NULL CHECK (status IN ('open', 'released', 'consumed', 'expired')),
          owner_type text NOT NULL,
          owner_id text NOT NULL,
          expires_at timestamptz,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          version integer NOT NULL DEFAULT 1,
          FOREIGN KEY (node_id, sku) REFERENCES inventory_positions (node_id, sku) ON DELETE RESTRICT,
          CHECK ((status = 'open') = (quantity > 0))
        );
        CREATE INDEX reservations_open ON reservations (node_id, sku) WHERE status = 'open';
        CREATE INDEX reservations_expiry ON reservations (expires_at) WHERE status = 'open' AND expires_at IS NOT NULL;
        CREATE INDEX reservations_owner ON reservations (owner_type, owner_id);
        CREATE INDEX reservations_request ON reservations (request_id, line);

        CREATE TABLE reservation_requests (
          idempotency_key text PRIMARY KEY,
          request_hash text NOT NULL,
          response jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
      `.execute(db);
    },
  },
  '0013-safety-stock': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE safety_stock_defaults (
          node_kind text PRIMARY KEY CHECK (node_kind IN ('warehouse', 'store', '3pl', 'dropship')),
          safety_stock integer NOT NULL CHECK (safety_stock >= 0)
        );
        CREATE TABLE node_safety_stock (
          node_id text PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
          safety_stock integer NOT NULL CHECK (safety_stock >= 0)
        );
      `.execute(db);
    },
  },
  '0014-incoming-supply': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE incoming_supply (
          id text PRIMARY KEY,
          node_id text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
          sku text NOT NULL REFERENCES items (sku) ON DELETE RESTRICT,
          kind text NOT NULL CHECK (kind IN ('purchase-order', 'transfer')),
          quantity integer NOT NULL CHECK (quantity > 0),
          expected_on date NOT NULL,
          reference text,
          status text NOT NULL CHECK (status IN ('open', 'received', 'cancelled')),
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX incoming_supply_position ON incoming_supply (node_id, sku, expected_on) WHERE status = 'open';
      `.execute(db);
    },
  },
  '0015-inventory-positions-fillfactor': {
    async up(db: Kysely<unknown>) {
      // Counter updates then find room on the row's own page: heap-only updates, no index writes.
      await sql`ALTER TABLE inventory_positions SET (fillfactor = 70)`.execute(db);
    },
  },
  '0016-bulk-feed-triggers': {
    async up(db: Kysely<unknown>) {
      // In a bulk import the notify trigger is skipped by its WHEN clause, so a million-row update
      // queues no after-trigger events at all (the function's own check stays as a second guard).
      // Feed marks are rewritten by every feed: room on the page keeps those updates heap-only.
      await sql`
        DROP TRIGGER inventory_positions_notify ON inventory_positions;
        CREATE TRIGGER inventory_positions_notify AFTER INSERT OR UPDATE ON inventory_positions
          FOR EACH ROW WHEN (current_setting('ordergrid.bulk', true) IS DISTINCT FROM 'on')
          EXECUTE FUNCTION inventory_positions_notify();
        ALTER TABLE inventory_feed_marks SET (fillfactor = 70);
      `.execute(db);
    },
  },
};
