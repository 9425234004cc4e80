import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityService } from '../../src/inventory/availability-service.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { insertNetwork, setStock, setStockSilently, until } from './availability-fixtures.ts';

// Two instances of the service on one database, as two API processes would run.
let database: TestDatabase;
let a: AvailabilityService;
let b: AvailabilityService;
const FRESH_WITHIN_MS = 2_000;

beforeAll(async () => {
  database = await createTestDatabase();
  await insertNetwork(database.db);
  await setStock(database.db, 'DC-CHI', 'TEE-1', 10);
  a = new AvailabilityService(database.db, { heartbeatMs: 50 });
  b = new AvailabilityService(database.db, { heartbeatMs: 50, reconnectMinMs: 20 });
  await Promise.all([a.start(database.url), b.start(database.url)]);
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
  await database.drop();
});

describe('availability freshness across instances', () => {
  it('loads the same snapshot in both instances', () => {
    expect(a.atp('TEE-1', 'DC-CHI')).toBe(10);
    expect(b.atp('TEE-1', 'DC-CHI')).toBe(10);
  });

  it('shows a stock change written by another connection in both instances within the bound', async () => {
    for (let i = 1; i <= 20; i++) {
      const version = await setStock(database.db, 'DC-CHI', 'TEE-1', 10 + i, i % 3);
      await until(
        () =>
          a.position('TEE-1', 'DC-CHI')?.version === version &&
          b.position('TEE-1', 'DC-CHI')?.version === version,
        FRESH_WITHIN_MS,
      );
      expect(a.atp('TEE-1', 'DC-CHI')).toBe(10 + i - (i % 3));
      expect(b.networkAtp('TEE-1')).toBe(10 + i - (i % 3));
    }
  });

  it('follows node changes and bulk reloads ("*") in both instances', async () => {
    await sql`UPDATE nodes SET status = 'offline', version = version + 1 WHERE id = 'DC-CHI'`.execute(
      database.db,
    );
    await until(() => a.networkAtp('TEE-1') === 0 && b.networkAtp('TEE-1') === 0, FRESH_WITHIN_MS);
    await sql`UPDATE nodes SET status = 'online', version = version + 1 WHERE id = 'DC-CHI'`.execute(
      database.db,
    );
    await until(() => a.networkAtp('TEE-1') > 0 && b.networkAtp('TEE-1') > 0, FRESH_WITHIN_MS);

    await setStockSilently(database.db, 'DC-CHI', 'TEE-1', 500);
    await sql`SELECT pg_notify('ordergrid_inventory', '*')`.execute(database.db);
    await until(() => a.atp('TEE-1', 'DC-CHI') === 500 && b.atp('TEE-1', 'DC-CHI') === 500, FRESH_WITHIN_MS);
    const status = a.status();
    expect(status).toMatchObject({ state: 'live' });
    if (status.state === 'live') {
      expect(status.reloads).toBeGreaterThanOrEqual(2);
      expect(status.changeLagMs.samples).toBeGreaterThanOrEqual(2);
    }
  });

  it('bounds its staleness by the heartbeat while live', async () => {
    // Heartbeats every 50 ms: once one has come back, the bound is small.
    await until(() => a.stalenessMs() < 1_000, FRESH_WITHIN_MS);
    expect(a.stalenessMs()).toBeGreaterThanOrEqual(0);
  });

  it('reconnects after its listener is terminated and reloads what it missed', async () => {
    const before = b.status();
    if (before.state === 'stopped') throw new Error('b is not started');
    const pid = before.listenerPid;
    expect(pid).toBeTypeOf('number');

    // A change that sends no notification: only a reload can see it.
    await setStockSilently(database.db, 'DC-CHI', 'TEE-1', 777);
    expect(b.atp('TEE-1', 'DC-CHI')).not.toBe(777);

    await sql`SELECT pg_terminate_backend(${pid}::int)`.execute(database.db);
    await until(() => {
      const s = b.status();
      return s.state === 'live' && s.reconnects === before.reconnects + 1;
    }, 10_000);
    expect(b.atp('TEE-1', 'DC-CHI')).toBe(777);
    const after = b.status();
    if (after.state === 'stopped') throw new Error('b stopped');
    expect(after.listenerPid).not.toBe(pid);
    expect(after.reloads).toBeGreaterThan(before.reloads);

    // And it listens again: the next change arrives by notification.
    const version = await setStock(database.db, 'DC-CHI', 'TEE-1', 42);
    await until(() => b.position('TEE-1', 'DC-CHI')?.version === version, FRESH_WITHIN_MS);
    expect(b.atp('TEE-1', 'DC-CHI')).toBe(42);
    // The other instance was never disconnected.
    expect(a.status()).toMatchObject({ state: 'live', reconnects: 0 });
  });
});
