import { runReadSide } from './availability/read-side.ts';
import type { Bench } from './harness/bench-context.ts';

/**
 * Availability read side alone (a narrower part of `npm run bench -- inventory`): in-process
 * look-ups per second, HTTP look-ups per second against an `ordergrid serve` child process (with
 * and without pipelining), and the staleness of a second instance's index after a change.
 *
 *   npm run bench -- availability [--json] [--runs 5] [--seconds 5] [--changes 200]
 *     [--connections 32] [--pipelining 10] [--skip-http]
 *
 * Needs a PostgreSQL server (BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432/postgres);
 * creates a throwaway database and drops it afterwards.
 */
const bench: Bench = (ctx) => runReadSide(ctx);

export default bench;
