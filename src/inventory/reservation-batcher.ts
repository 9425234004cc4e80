import type { Db } from '../platform/db/database.ts';
import { reserveBatchStatement } from './reserve-batch-statement.ts';
import { type ReserveRow, type ReserveWrite, reserveStatement } from './reserve-statement.ts';

export interface BatchSettings {
  /** Requests written by one statement at most. */
  maxBatch: number;
  /** Statements of this process running at once; requests arriving meanwhile wait and batch up. */
  maxInFlight: number;
}

export const DEFAULT_BATCH_SETTINGS: BatchSettings = { maxBatch: 32, maxInFlight: 2 };

interface Pending {
  write: ReserveWrite;
  resolve(rows: ReserveRow[]): void;
  reject(err: unknown): void;
}

/**
 * Group commit for autocommit reservations (carts, the reservations API). A request arriving
 * while fewer than `maxInFlight` statements run is written at once, alone, by the single-request
 * statement — no added latency when the service is quiet. Requests arriving while the statements
 * are busy queue up and go together in the next batch statement: under load one plan, one round
 * trip and one WAL flush serve many requests, and far fewer sessions contend in PostgreSQL.
 * Each request stays all-or-nothing; one the batch leaves out (or every request of a batch that
 * failed as a whole) is retried alone, so its answer is exactly the single statement's.
 */
export class ReservationBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly counts = { batches: 0, batched: 0, alone: 0 };

  constructor(
    private readonly db: Db,
    private readonly settings: BatchSettings = DEFAULT_BATCH_SETTINGS,
  ) {}

  /** The single statement's rows for this request: 'c' rows name its short lines. */
  reserve(write: ReserveWrite): Promise<ReserveRow[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.pump();
    });
  }

  /** Batch statements run, requests they accepted, and requests written alone. */
  stats(): { batches: number; batched: number; alone: number } {
    return { ...this.counts };
  }

  private pump(): void {
    while (this.inFlight < this.settings.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.settings.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    let alone = batch;
    if (batch.length > 1) {
      try {
        const accepted = await reserveBatchStatement(
          this.db,
          batch.map((p) => p.write),
        );
        alone = [];
        this.counts.batches++;
        this.counts.batched += accepted.size;
        batch.forEach((p, i) => {
          if (accepted.has(i)) p.resolve([]);
          else alone.push(p);
        });
      } catch {
        // Retried one by one below: each request then gets its own answer or its own error.
      }
    }
    for (const p of alone) {
      this.counts.alone++;
      try {
        p.resolve(await reserveStatement(this.db, p.write));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}

const batchers = new WeakMap<Db, ReservationBatcher>();

/** The batcher of a connection pool (one per pool, created on first use). */
export function batcherFor(db: Db): ReservationBatcher {
  let b = batchers.get(db);
  if (!b) {
    b = new ReservationBatcher(db);
    batchers.set(db, b);
  }
  return b;
}
