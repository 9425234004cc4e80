import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { item } from '../support/fixtures.ts';
import { bearer, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('items API', () => {
  it('upserts idempotently, patches, searches and deletes', async () => {
    const headers = bearer(t.adminKey);
    const created = await t.app.inject({
      method: 'PUT',
      url: '/v1/items/TEE-BLK-M',
      headers,
      payload: item(),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ sku: 'TEE-BLK-M', weight: 0.4, sizeClass: 'small', active: true });
    const same = await t.app.inject({ method: 'PUT', url: '/v1/items/TEE-BLK-M', headers, payload: item() });
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(1);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/items/TEE-BLK-M',
      headers,
      payload: { hazmat: true },
    });
    expect(patched.json()).toMatchObject({ hazmat: true, version: 2 });

    await t.app.inject({
      method: 'PUT',
      url: '/v1/items/SOFA-1',
      headers,
      payload: item({ name: 'Grey Sofa', weight: 90, oversize: true, sizeClass: 'oversize' }),
    });
    const search = await t.app.inject({ method: 'GET', url: '/v1/items?q=sofa', headers });
    expect(search.json().items.map((i: { sku: string }) => i.sku)).toEqual(['SOFA-1']);
    const oversize = await t.app.inject({ method: 'GET', url: '/v1/items?oversize=true', headers });
    expect(oversize.json().items).toHaveLength(1);

    const events = await t.app.inject({ method: 'GET', url: '/v1/events?aggregateType=item', headers });
    expect(events.json().items.map((e: { type: string }) => e.type)).toEqual([
      'item.created',
      'item.updated',
      'item.created',
    ]);

    expect((await t.app.inject({ method: 'DELETE', url: '/v1/items/SOFA-1', headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/items/SOFA-1', headers })).json().code).toBe(
      'item-not-found',
    );
  });

  it('rejects a non-positive weight and a sku with a slash-like character', async () => {
    const headers = bearer(t.adminKey);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/items/BAD',
      headers,
      payload: item({ weight: 0 }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid-request', pointer: '/weight' });
    const sku = await t.app.inject({ method: 'PUT', url: '/v1/items/%20bad', headers, payload: item() });
    expect(sku.statusCode).toBe(400);
    expect(sku.json().errors[0]).toMatchObject({ in: 'path', pointer: '/sku' });
  });
});
