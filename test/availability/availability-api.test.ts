import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityService } from '../../src/inventory/availability-service.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';
import { insertNetwork, setStock, until } from './availability-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await insertNetwork(t.database.db);
  const db = t.database.db;
  await setStock(db, 'DC-CHI', 'TEE-1', 100, 10); // 90
  await setStock(db, '3PL-NJ', 'TEE-1', 5); // 5
  await setStock(db, 'ST-NYC', 'TEE-1', 4, 0, 1); // 3
  await setStock(db, 'ST-BKN', 'TEE-1', 2, 3); // 0 (never below 0)
  await setStock(db, 'ST-LA', 'TEE-1', 7); // 7
  await setStock(db, 'ST-NYC', 'MUG-1', 6); // 6
  await t.services.availability.start(t.database.url);
});
afterAll(async () => {
  await t.services.availability.stop();
  await t.close();
});

interface Row {
  nodeId: string;
  kind: string;
  atp: number;
  onHand: number;
  reserved: number;
  safety: number;
  distanceMiles?: number;
}
interface Answer {
  channel: string | null;
  items: { sku: string; networkAtp: number; nodes?: Row[] }[];
  indexLoadedAt: string;
  indexStalenessMs: number;
  destination?: { source: string };
}

async function get(query: string, key = t.adminKey) {
  return t.app.inject({ method: 'GET', url: `/v1/availability?${query}`, headers: bearer(key) });
}
async function answer(query: string, key = t.adminKey): Promise<Answer> {
  const res = await get(query, key);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Answer;
}
const ids = (a: Answer, i = 0) => a.items[i]?.nodes?.map((n) => n.nodeId);

describe('GET /v1/availability', () => {
  it('returns network ATP per sku, with per-node detail and the index freshness', async () => {
    const a = await answer('skus=TEE-1,MUG-1,NOPE-1&detail=true');
    expect(a.channel).toBeNull();
    expect(a.items.map((i) => [i.sku, i.networkAtp])).toEqual([
      ['TEE-1', 90 + 5 + 3 + 0 + 7],
      ['MUG-1', 6],
      ['NOPE-1', 0],
    ]);
    expect(a.items[0]?.nodes?.[0]).toEqual({
      nodeId: 'DC-CHI',
      kind: 'warehouse',
      onHand: 100,
      reserved: 10,
      safety: 0,
      atp: 90,
    });
    expect(a.items[0]?.nodes?.find((n) => n.nodeId === 'ST-BKN')?.atp).toBe(0);
    expect(Date.parse(a.indexLoadedAt)).toBeLessThanOrEqual(Date.now());
    expect(a.indexStalenessMs).toBeGreaterThanOrEqual(0);
    expect(a.indexStalenessMs).toBeLessThan(5_000);
    const plain = await answer('skus=TEE-1');
    expect(plain.items[0]).toEqual({ sku: 'TEE-1', networkAtp: 105 });
  });

  it('applies the channel: marketplace buffer, cap and allowed kinds', async () => {
    // DC 90 + 3PL 5 = 95, minus 2, capped at 50; stores are not allowed.
    const a = await answer('skus=TEE-1&channel=marketplace:amazon&detail=true');
    expect(a.items[0]?.networkAtp).toBe(50);
    expect(ids(a)).toEqual(['DC-CHI', '3PL-NJ']);
    const web = await answer('skus=TEE-1,MUG-1&channel=web');
    expect(web.items.map((i) => i.networkAtp)).toEqual([105, 6]);
  });

  it('filters by node kind', async () => {
    const a = await answer('skus=TEE-1&nodeKinds=store,3pl&detail=true');
    expect(a.items[0]?.networkAtp).toBe(5 + 3 + 0 + 7);
    expect(ids(a)).toEqual(['ST-LA', '3PL-NJ', 'ST-NYC', 'ST-BKN']);
  });

  it('finds stock near a destination (ZIP, coordinates or city), sorted by distance', async () => {
    const a = await answer('skus=TEE-1&postalCode=10001&radiusMiles=25&detail=true');
    expect(a.destination?.source).toBe('postal-code');
    expect(ids(a)).toEqual(['ST-NYC', 'ST-BKN', '3PL-NJ']);
    expect(a.items[0]?.networkAtp).toBe(3 + 0 + 5);
    const d = a.items[0]!.nodes!.map((n) => n.distanceMiles!);
    expect(d).toEqual([...d].sort((x, y) => x - y));
    expect(d[0]).toBeLessThan(2);

    const stores = await answer(
      'skus=TEE-1&lat=40.75&lon=-73.99&radiusMiles=25&nodeKinds=store&channel=store',
    );
    expect(stores.items[0]?.networkAtp).toBe(3);
    const everywhere = await answer('skus=TEE-1&city=Los%20Angeles&region=CA&detail=true');
    expect(ids(everywhere)?.[0]).toBe('ST-LA');
    expect(everywhere.items[0]?.networkAtp).toBe(105);
  });

  it('shows associates only their own nodes', async () => {
    const key = await t.keyFor('associate', ['ST-NYC', 'ST-BKN']);
    const a = await answer('skus=TEE-1,MUG-1&detail=true', key);
    expect(ids(a)).toEqual(['ST-NYC', 'ST-BKN']);
    expect(a.items.map((i) => i.networkAtp)).toEqual([3, 6]);
    const viewer = await t.keyFor('viewer');
    expect((await answer('skus=TEE-1', viewer)).items[0]?.networkAtp).toBe(105);
  });

  it('rejects bad input with a pointer and changes nothing', async () => {
    const before = await snapshotState(t.database.db);
    const many = Array.from({ length: 101 }, (_, i) => `S${i}`).join(',');
    const cases: [string, number, string, string][] = [
      [`skus=${many}`, 400, 'invalid-request', '/skus/100'],
      ['skus=TEE-1,,MUG-1', 400, 'invalid-request', '/skus/1'],
      ['skus=TEE-1,bad%20sku', 400, 'invalid-request', '/skus/1'],
      ['skus=TEE-1&channel=nope', 404, 'channel-not-found', '/channel'],
      ['skus=TEE-1&channel=Bad%20Channel', 400, 'invalid-request', '/channel'],
      ['skus=TEE-1&nodeKinds=store,moon', 400, 'invalid-request', '/nodeKinds/1'],
      ['skus=TEE-1&postalCode=00000', 422, 'destination-unresolvable', '/postalCode'],
      ['skus=TEE-1&city=Qwxyzton', 422, 'destination-unresolvable', '/city'],
      ['skus=TEE-1&lat=40.7', 422, 'destination-unresolvable', '/lon'],
      ['skus=TEE-1&region=IL', 422, 'destination-unresolvable', '/region'],
      ['skus=TEE-1&radiusMiles=10', 400, 'invalid-request', '/radiusMiles'],
      ['skus=TEE-1&lat=40&lon=-73&radiusMiles=-1', 400, 'invalid-request', '/radiusMiles'],
      ['skus=TEE-1&colour=red', 400, 'invalid-request', '/colour'],
      ['detail=true', 400, 'invalid-request', '/skus'],
    ];
    for (const [query, status, code, pointer] of cases) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json(), query).toMatchObject({ code, pointer });
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/availability?skus=TEE-1' });
    expect(anonymous.statusCode).toBe(401);
    expect(await snapshotState(t.database.db)).toEqual(before);
  });

  it('reflects stock, node and channel changes made after the load', async () => {
    const availability = t.services.availability;
    await setStock(t.database.db, 'ST-LA', 'LAMP-1', 9);
    await until(() => availability.networkAtp('LAMP-1') === 9);
    expect((await answer('skus=LAMP-1')).items[0]?.networkAtp).toBe(9);

    const headers = bearer(t.adminKey);
    const paused = await t.app.inject({
      method: 'PATCH',
      url: '/v1/nodes/ST-LA',
      headers,
      payload: { status: 'paused' },
    });
    expect(paused.statusCode).toBe(200);
    await until(() => availability.networkAtp('LAMP-1') === 0);
    expect(availability.atp('LAMP-1', 'ST-LA')).toBe(9);
    await t.app.inject({ method: 'PATCH', url: '/v1/nodes/ST-LA', headers, payload: { status: 'online' } });
    await until(() => availability.networkAtp('LAMP-1') === 9);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/channels/web',
      headers,
      payload: { buffer: { units: 4, percent: 0 }, allowedNodes: { kinds: ['store'] } },
    });
    expect(patched.statusCode).toBe(200);
    await until(() => availability.networkAtp('LAMP-1', 'web') === 5);
    expect((await answer('skus=TEE-1&channel=web')).items[0]?.networkAtp).toBe(3 + 0 + 7 - 4);
    expect(availability.status()).toMatchObject({ state: 'live' });
  });

  it('answers 503 availability-unavailable from an instance whose index is not started', () => {
    const idle = new AvailabilityService(t.database.db);
    expect(() => idle.atp('TEE-1', 'DC-CHI')).toThrow(/not started/);
    expect(idle.status()).toEqual({ state: 'stopped' });
  });
});
