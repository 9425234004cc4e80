import type { Db } from '../platform/db/database.ts';

/**
 * Runs `work` in the caller's transaction when given one (the orders domain reserves inside its
 * own), otherwise in a new transaction.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
