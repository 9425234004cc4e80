import type { ColumnType, Generated } from 'kysely';

export interface EventsTable {
  id: string;
  /** Insertion order; only used to sequence committed events. */
  seq: Generated<number>;
  /** Global, gap-free read order, assigned after commit by the sequencer (null until then). */
  position: number | null;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_seq: number;
  payload: ColumnType<unknown, string, string>;
  actor: string | null;
  correlation_id: string | null;
  occurred_at: Generated<Date>;
}

export interface EventSequencesTable {
  aggregate_type: string;
  aggregate_id: string;
  last_seq: number;
}

export interface EventTables {
  events: EventsTable;
  event_sequences: EventSequencesTable;
}
