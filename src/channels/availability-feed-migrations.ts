import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The availability feed of each channel (0025–0029 of the channels range): the last sellable
 * quantity published per channel and sku. Written only by the feed refresher (a background job),
 * never by the reservation or order paths. See docs/channel-feeds.md.
 */
export const availabilityFeedMigrations: Record<string, Migration> = {
  '0025-channel-availability': {
    async up(db: Kysely<unknown>) {
      await sql`
        -- Change numbers are drawn only by the refresher under its advisory lock, so they commit in
        -- order and a reader paging by change_seq never steps past a change that commits later.
        CREATE SEQUENCE channel_availability_change_seq;
        CREATE TABLE channel_availability (
          channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
          sku text NOT NULL,
          quantity integer NOT NULL CHECK (quantity >= 0),
          previous integer NOT NULL CHECK (previous >= 0),
          change_seq bigint NOT NULL,
          changed_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (channel_id, sku)
        );
        CREATE UNIQUE INDEX channel_availability_changes ON channel_availability (channel_id, change_seq);
      `.execute(db);
    },
  },
};
