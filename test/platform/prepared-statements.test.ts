import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementNamer } from '../../src/platform/db/prepared-statements.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('statement namer', () => {
  it('names a long text from its third use on, always with the same name; short texts never', () => {
    const namer = new StatementNamer({ threshold: 3, minLength: 20, maxTracked: 10 });
    const long = 'SELECT * FROM inventory_positions WHERE node_id = $1';
    expect(namer.nameFor(long)).toBeUndefined();
    expect(namer.nameFor(long)).toBeUndefined();
    const name = namer.nameFor(long);
    expect(name).toMatch(/^og_[\w-]{20}$/);
    expect(namer.nameFor(long)).toBe(name);
    expect(new StatementNamer({ threshold: 1, minLength: 20, maxTracked: 10 }).nameFor(long)).toBe(name);
    for (let i = 0; i < 5; i++) expect(namer.nameFor('SELECT 1')).toBeUndefined();
  });

  it('stays bounded: beyond maxTracked texts, new ones run unnamed', () => {
    const namer = new StatementNamer({ threshold: 1, minLength: 1, maxTracked: 3 });
    const names = Array.from({ length: 5 }, (_, i) => namer.nameFor(`SELECT ${i} AS n`));
    expect(names.slice(0, 3).every((n) => n !== undefined)).toBe(true);
    expect(names.slice(3)).toEqual([undefined, undefined]);
  });
});

describe('prepared statements on the pool', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(1);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a repeated long statement is prepared once on the connection and still answers per values', async () => {
    const run = (n: number) =>
      sql<{ n: number; tag: string }>`
        SELECT ${n}::int AS n, 'a statement long enough to be worth preparing, repeated by a service' AS tag,
          'padding, as the statements of a service are long common table expressions' AS more
        FROM generate_series(1, 1)`.execute(t.db);
    for (let i = 1; i <= 5; i++) expect((await run(i)).rows[0]?.n).toBe(i);
    const { rows } = await sql<{ name: string; statement: string }>`
      SELECT name, statement FROM pg_prepared_statements`.execute(t.db);
    const ours = rows.filter((r) => r.statement.includes('worth preparing'));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.name).toMatch(/^og_/);
  });
});
