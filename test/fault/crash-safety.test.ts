import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashReport, failedChecks, runCrashHarness } from '../support/crash-harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The short form of the crash harness (the bench `npm run bench -- crash` is the long one): three
 * processes under steady load, a few SIGKILLs at random moments with restarts, then every
 * acknowledged order exists exactly once, reservations match open allocations, nothing is
 * oversold, the ledger verifies, and SLA timers, backorders and webhook deliveries resume.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(2);
});

afterAll(async () => {
  await database?.drop();
});

describe('crash safety', () => {
  it('survives SIGKILLs under load: nothing acknowledged is lost or duplicated, nothing oversold', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    let report: CrashReport;
    try {
      report = await runCrashHarness({
        databaseUrl: database.url,
        kills: 3,
        gapMs: [1_000, 2_500],
        orderClients: 2,
        seed,
        settleTimeoutMs: 120_000,
        log: process.env.CRASH_VERBOSE ? (m) => console.log(m) : undefined,
      });
    } catch (err) {
      throw new Error(`crash harness failed (CRASH_SEED=${seed}): ${(err as Error).message}`);
    }
    console.log(`crash harness (CRASH_SEED=${seed}): ${JSON.stringify(report)}`);

    expect(report.kills).toBe(3);
    expect(report.restarts).toBe(3);
    expect(report.acknowledged).toBeGreaterThan(20);
    expect(failedChecks(report)).toEqual([]);
    // Pending work resumed on the survivors and the restarted processes.
    expect(report.slaDue).toBeGreaterThan(0);
    expect(report.backorderAllocations).toBeGreaterThan(0);
  }, 600_000);
});
