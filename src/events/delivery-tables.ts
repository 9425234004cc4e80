import type { ColumnType, Generated } from 'kysely';

/** A webhook subscription; `cursor` is the outbox position fanned out so far. */
export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  /** `whsec_...`; needed in clear to sign, never returned after creation. */
  secret: string;
  active: Generated<boolean>;
  disabled_reason: string | null;
  cursor: Generated<number>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';
export type AttemptStatus = 'delivered' | 'failed' | 'dead' | 'superseded';

/** One event queued for one subscription; sent in `position` order within its aggregate. */
export interface WebhookDeliveriesTable {
  subscription_id: string;
  event_id: string;
  position: number;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  /** Bumped by each manual replay, so the log can tell a replay's success from the first one. */
  replay: Generated<number>;
  next_attempt_at: Date;
  first_attempt_at: Date | null;
  /** Who holds the delivery in flight, and until when (a crashed sender's claim runs out). */
  claim_token: string | null;
  claimed_until: Date | null;
  delivered_at: Date | null;
  created_at: Generated<Date>;
}

/** The delivery log: one row per attempt. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  subscription_id: string;
  event_id: string;
  event_type: string;
  position: number;
  attempt: number;
  replay: number;
  status: AttemptStatus;
  response_code: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: Date | null;
  attempted_at: Date;
}

/** How far a stream publisher has published the outbox (advanced after the broker's ack). */
export interface EventStreamCursorsTable {
  name: string;
  position: number;
  updated_at: Generated<Date>;
}

export interface DeliveryTables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  event_stream_cursors: EventStreamCursorsTable;
}
