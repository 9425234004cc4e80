import { type Kysely, type Migration, sql } from 'kysely';

export const CHANNELS_CHANNEL = 'ordergrid_channels';
export const NODES_CHANNEL = 'ordergrid_nodes';

/**
 * Channels own 0020–0029. 0021 puts a notification trigger on `nodes` (a network table) here
 * because its only reader is the availability index, which must see node status, kind and tags
 * change in every instance; the network folder stays free of availability concerns.
 */
export const channelMigrations: Record<string, Migration> = {
  '0020-channels': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE channels (
          id text PRIMARY KEY,
          name text NOT NULL,
          buffer_units integer NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),
          buffer_percent double precision NOT NULL DEFAULT 0 CHECK (buffer_percent BETWEEN 0 AND 100),
          cap integer CHECK (cap >= 0),
          allowed_kinds text[],
          allowed_tags text[],
          include_node_ids text[] NOT NULL DEFAULT '{}',
          exclude_node_ids text[] NOT NULL DEFAULT '{}',
          active boolean NOT NULL DEFAULT true,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
      `.execute(db);
    },
  },
  '0021-nodes-notify': {
    async up(db: Kysely<unknown>) {
      // Payload: the fields availability needs, the row version (applied only if newer) and the
      // database clock at the change in ms ("at"), so a reader can measure change-to-apply lag.
      await sql`
        CREATE FUNCTION nodes_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            PERFORM pg_notify('ordergrid_nodes', json_build_object(
              'op', 'D', 'id', OLD.id, 'version', OLD.version,
              'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text);
          ELSE
            PERFORM pg_notify('ordergrid_nodes', json_build_object(
              'op', 'U', 'id', NEW.id, 'kind', NEW.kind, 'status', NEW.status, 'lat', NEW.lat, 'lon', NEW.lon,
              'capabilities', NEW.capabilities, 'tags', NEW.tags, 'version', NEW.version,
              'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text);
          END IF;
          RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER nodes_notify AFTER INSERT OR UPDATE OR DELETE ON nodes
          FOR EACH ROW EXECUTE FUNCTION nodes_notify();
      `.execute(db);
    },
  },
  '0022-default-channels': {
    async up(db: Kysely<unknown>) {
      // Reference data every installation starts with (like a column default: no events). The
      // marketplace sells only from DCs and 3PLs, keeps 2 units back and never shows more than 50.
      await sql`
        INSERT INTO channels (id, name, buffer_units, cap, allowed_kinds) VALUES
          ('web', 'Web store', 0, NULL, NULL),
          ('app', 'Mobile app', 0, NULL, NULL),
          ('store', 'In store (endless aisle, click & collect)', 0, NULL, NULL),
          ('call-centre', 'Call centre', 0, NULL, NULL),
          ('marketplace:amazon', 'Amazon marketplace', 2, 50, ARRAY['warehouse', '3pl'])
        ON CONFLICT (id) DO NOTHING;
      `.execute(db);
    },
  },
};
