import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Server-side prepared statements for the statements a service repeats.
 *
 * The hot statements (a reservation, an order capture) are long CTEs whose text never changes —
 * their values travel as parameters — yet PostgreSQL parses and plans them again on every
 * unnamed execution: more server CPU than executing them. A text seen `threshold` times is given
 * a name derived from its hash, so each connection parses it once and PostgreSQL's plan cache can
 * keep a generic plan (it still re-plans per execution when the generic plan looks worse).
 * The same idea as a JDBC driver's prepare threshold. Off with DATABASE_PREPARED_STATEMENTS=false
 * (a pooler in transaction mode without prepared-statement support).
 */
export interface PreparedStatementSettings {
  /** Executions of the same text before it is prepared. */
  threshold: number;
  /** Texts shorter than this are cheap to plan: left unnamed. */
  minLength: number;
  /** Distinct texts counted before the counts start again (bounds memory). */
  maxTracked: number;
}

const DEFAULTS: PreparedStatementSettings = { threshold: 3, minLength: 160, maxTracked: 2_000 };
const PATCHED = Symbol('ordergrid.prepared');

export class StatementNamer {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(private readonly settings: PreparedStatementSettings = DEFAULTS) {}

  /** The statement's name once it is worth preparing, else undefined. */
  nameFor(text: string): string | undefined {
    if (text.length < this.settings.minLength) return undefined;
    const named = this.names.get(text);
    if (named !== undefined) return named;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < this.settings.threshold) {
      if (this.seen.size >= this.settings.maxTracked) this.seen.clear();
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    if (this.names.size >= this.settings.maxTracked) return undefined;
    const name = `og_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    this.names.set(text, name);
    return name;
  }
}

/** Routes a client's `query(text, values)` calls through named statements where worthwhile. */
export function usePreparedStatements(client: pg.PoolClient, namer: StatementNamer): void {
  const target = client as pg.PoolClient & { [PATCHED]?: true };
  if (target[PATCHED]) return;
  target[PATCHED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && args.length === 2) {
      const name = namer.nameFor(text);
      if (name !== undefined) return query({ name, text, values });
    }
    return query(...args);
  };
}
