import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Outbound delivery of the outbox (0060–0069): webhook subscriptions, their per-event delivery
 * queue and attempt log, and the NATS publisher's cursor. See docs/webhooks.md.
 */
export const deliveryMigrations: Record<string, Migration> = {
  '0060-webhooks': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE webhook_subscriptions (
          id uuid PRIMARY KEY,
          url text NOT NULL,
          event_types text[] NOT NULL,
          description text,
          secret text NOT NULL,
          active boolean NOT NULL DEFAULT true,
          disabled_reason text,
          cursor bigint NOT NULL DEFAULT 0,
          version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE webhook_deliveries (
          subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
          event_id uuid NOT NULL,
          position bigint NOT NULL,
          event_type text NOT NULL,
          aggregate_type text NOT NULL,
          aggregate_id text NOT NULL,
          status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
          attempts integer NOT NULL DEFAULT 0,
          replay integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL,
          first_attempt_at timestamptz,
          claim_token uuid,
          claimed_until timestamptz,
          delivered_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (subscription_id, event_id)
        );
        -- The in-order sender looks for the earliest pending event of each aggregate.
        CREATE INDEX webhook_deliveries_pending
          ON webhook_deliveries (subscription_id, aggregate_type, aggregate_id, position)
          WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_due
          ON webhook_deliveries (next_attempt_at, position) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_position ON webhook_deliveries (subscription_id, position);
        CREATE TABLE webhook_attempts (
          id bigserial PRIMARY KEY,
          subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
          event_id uuid NOT NULL,
          event_type text NOT NULL,
          position bigint NOT NULL,
          attempt integer NOT NULL,
          replay integer NOT NULL,
          status text NOT NULL CHECK (status IN ('delivered', 'failed', 'dead', 'superseded')),
          response_code integer,
          duration_ms integer NOT NULL,
          error text,
          next_attempt_at timestamptz,
          attempted_at timestamptz NOT NULL
        );
        CREATE INDEX webhook_attempts_log ON webhook_attempts (subscription_id, id);
        -- Our log never holds two successful deliveries of one event (per explicit replay).
        CREATE UNIQUE INDEX webhook_attempts_one_success
          ON webhook_attempts (subscription_id, event_id, replay) WHERE status = 'delivered';
      `.execute(db);
    },
  },
  '0061-event-stream-cursors': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE event_stream_cursors (
          name text PRIMARY KEY,
          position bigint NOT NULL DEFAULT 0,
          updated_at timestamptz NOT NULL DEFAULT now()
        );
      `.execute(db);
    },
  },
};
