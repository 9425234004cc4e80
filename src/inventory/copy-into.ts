import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery } from 'kysely';
import pgCopy from 'pg-copy-streams';
import type { Db } from '../platform/db/database.ts';

/** Escapes a value for COPY's text format (null is \N). */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/**
 * Streams text-format COPY data into a table on the transaction's own connection.
 *
 * Kysely has no COPY API and does not expose its pg client, but its Postgres connection hands the
 * query object straight to `pg.Client#query`, which accepts any submittable (a copy stream is one).
 * So the stream is submitted through the transaction's connection and then written to; any server
 * error fails the pipeline and so the transaction.
 */
export async function copyInto(trx: Db, copySql: string, chunks: Iterable<string>): Promise<void> {
  await trx.getExecutor().provideConnection(async (connection) => {
    const stream = pgCopy.from(copySql);
    const submitted = { ...CompiledQuery.raw(''), sql: stream as unknown as string };
    await connection.executeQuery(submitted);
    await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  });
}
