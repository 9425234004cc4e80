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
};
