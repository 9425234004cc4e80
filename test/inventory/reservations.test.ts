import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/inventory/ledger-verifier.ts';
import { releaseExpiredReservations } from '../../src/inventory/reservation-expiry.ts';
import { reserve } from '../../src/inventory/reservation-service.ts';
import { startJobRunner } from '../../src/platform/jobs/job-runner.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { createNodesAndItems, eventTypes, positionOf, receive } from './inventory-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createNodesAndItems(t, ['R1', 'R2', 'R3'], ['RS1', 'RS2']);
  await receive(t, 'R1', 'RS1', 10);
  await receive(t, 'R2', 'RS1', 5);
  await receive(t, 'R1', 'RS2', 4);
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload?: unknown) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: bearer(t.adminKey),
    ...(payload ? { payload: payload as object } : {}),
  });

describe('reservations', () => {
  it('is all or nothing over lines and nodes, answering shortages as a typed result', async () => {
    const before = await snapshotState(t.database.db);
    const res = await post('/v1/reservations', {
      lines: [
        { nodeId: 'R1', sku: 'RS1', quantity: 2 },
        { nodeId: 'R2', sku: 'RS1', quantity: 6 },
        { nodeId: 'R1', sku: 'RS2', quantity: 5 },
      ],
      owner: { type: 'order', id: 'aon-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: false,
      reason: 'insufficient-stock',
      shortages: [
        { line: 1, nodeId: 'R2', sku: 'RS1', requested: 6, available: 5 },
        { line: 2, nodeId: 'R1', sku: 'RS2', requested: 5, available: 4 },
      ],
    });
    expect(await snapshotState(t.database.db)).toEqual(before);

    const unknown = await post('/v1/reservations', {
      lines: [{ nodeId: 'R1', sku: 'NOPE', quantity: 1 }],
      owner: { type: 'order', id: 'aon-2' },
    });
    expect(unknown.json()).toMatchObject({ code: 'item-not-found', pointer: '/lines/0/sku' });
  });

  it('applies an idempotency key once and returns the same result; another body with it is a 409', async () => {
    const body = {
      lines: [
        { nodeId: 'R1', sku: 'RS1', quantity: 1, lineId: 'L1' },
        { nodeId: 'R2', sku: 'RS1', quantity: 1, lineId: 'L2' },
      ],
      owner: { type: 'order', id: 'idem-1' },
      idempotencyKey: 'idem-1',
    };
    const [a, b] = await Promise.all([post('/v1/reservations', body), post('/v1/reservations', body)]);
    expect(a.statusCode).toBe(201);
    expect(b.json()).toEqual(a.json());
    expect((await positionOf(t.database.db, 'R1', 'RS1'))?.reserved).toBe(1);
    expect(await eventTypes(t.database.db, 'order:idem-1')).toEqual(['reservation.created']);
    const other = await post('/v1/reservations', { ...body, lines: [body.lines[0]] });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('idempotency-key-reused');
  });

  it('releases partially then wholly, consumes on ship, reassigns atomically', async () => {
    const created = await post('/v1/reservations', {
      lines: [{ nodeId: 'R1', sku: 'RS1', quantity: 4 }],
      owner: { type: 'order', id: 'life-1' },
    });
    const id = created.json().reservations[0].id as string;
    const partial = await post(`/v1/reservations/${id}/release`, { quantity: 1, reason: 'customer edit' });
    expect(partial.json()).toMatchObject({ quantity: 3, released: 1, status: 'open' });
    const ship = await post(`/v1/reservations/${id}/consume`, { quantity: 2, reference: 'SHP-1' });
    expect(ship.json()).toMatchObject({ quantity: 1, consumed: 2, status: 'open' });
    expect(await positionOf(t.database.db, 'R1', 'RS1')).toMatchObject({ on_hand: 8 });

    const moved = await post(`/v1/reservations/${id}/reassign`, { nodeId: 'R2' });
    expect(moved.json()).toMatchObject({ ok: true, reservation: { nodeId: 'R2', quantity: 1 } });
    const tooMuch = await post(`/v1/reservations/${id}/release`, { quantity: 5 });
    expect(tooMuch.json().code).toBe('reservation-quantity-exceeded');
    const nowhere = await post(`/v1/reservations/${id}/reassign`, { nodeId: 'R3' });
    expect(nowhere.json()).toMatchObject({
      ok: false,
      shortages: [{ nodeId: 'R3', requested: 1, available: 0 }],
    });
    const rest = await post(`/v1/reservations/${id}/release`);
    expect(rest.json()).toMatchObject({ quantity: 0, status: 'released' });
    expect((await post(`/v1/reservations/${id}/consume`)).json().code).toBe('reservation-not-open');
    expect(await eventTypes(t.database.db, 'order:life-1')).toEqual([
      'reservation.created',
      'reservation.released',
      'reservation.consumed',
      'reservation.reassigned',
      'reservation.released',
    ]);
    const got = await t.app.inject({
      method: 'GET',
      url: `/v1/reservations/${id}`,
      headers: bearer(t.adminKey),
    });
    expect(got.json()).toMatchObject({ status: 'released', requested: 4, consumed: 2, released: 2 });
    expect((await verifyLedger(t.database.db)).breaches).toEqual([]);
  });

  it('works inside a caller transaction and rolls back with it', async () => {
    const db = t.database.db;
    const before = await positionOf(db, 'R2', 'RS1');
    await expect(
      db.transaction().execute(async (trx) => {
        const result = await reserve(trx, {
          lines: [{ nodeId: 'R2', sku: 'RS1', quantity: 1 }],
          owner: { type: 'order', id: 'tx-1' },
        });
        expect(result.ok).toBe(true);
        throw new Error('order creation failed later');
      }),
    ).rejects.toThrow('order creation failed later');
    expect((await positionOf(db, 'R2', 'RS1'))?.reserved).toBe(before?.reserved);
  });

  it('releases expired holds (the job function, and the job runner starts on the database)', async () => {
    const db = t.database.db;
    const hold = await post('/v1/reservations', {
      lines: [{ nodeId: 'R1', sku: 'RS2', quantity: 3 }],
      owner: { type: 'cart', id: 'cart-9' },
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(hold.statusCode).toBe(201);
    expect((await releaseExpiredReservations(db, new Date())).released).toBe(0);
    expect((await releaseExpiredReservations(db, new Date(Date.now() + 120_000))).released).toBe(1);
    expect(await positionOf(db, 'R1', 'RS2')).toMatchObject({ reserved: 0 });
    expect(await eventTypes(db, 'cart:cart-9')).toEqual(['reservation.created', 'reservation.expired']);

    const runner = await startJobRunner({ pgPool: t.database.pool, db });
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'graphile_worker'`.execute(
      db,
    );
    expect(rows[0]?.n).toBe(1);
    await runner.stop();
  });

  it('verify finds breaches and the CLI exits 1 on them', async () => {
    const run = () =>
      spawnSync(process.execPath, ['bin/ordergrid.mjs', 'inventory', 'verify'], {
        env: { ...process.env, DATABASE_URL: t.database.url },
        encoding: 'utf8',
      });
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
    await sql`UPDATE inventory_positions SET on_hand = on_hand + 1 WHERE node_id = 'R3'`.execute(
      t.database.db,
    );
    await sql`INSERT INTO inventory_positions (node_id, sku, on_hand, reserved) VALUES ('R3', 'RS2', 2, 0)`.execute(
      t.database.db,
    );
    const report = await verifyLedger(t.database.db);
    expect(report.breaches).toEqual([
      { nodeId: 'R3', sku: 'RS2', check: 'on-hand-equals-ledger', expected: 0, actual: 2 },
    ]);
    const broken = run();
    expect(broken.stdout).toContain('BREACH R3/RS2 on-hand-equals-ledger');
    expect(broken.status).toBe(1);
    await sql`DELETE FROM inventory_positions WHERE node_id = 'R3' AND sku = 'RS2'`.execute(t.database.db);
  }, 120_000);
});
