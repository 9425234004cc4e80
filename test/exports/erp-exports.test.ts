import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/outbox.ts';
import { sequenceAll } from '../../src/events/sequencer.ts';
import { parseCsv } from '../../src/inventory/csv-parser.ts';
import { csvField, preferredFormat, toCsv } from '../../src/platform/http/export-format.ts';
import { createOrdersApp, type Json, NEW_YORK, type OrdersApp } from '../orders/order-fixtures.ts';
import { storeNode } from '../support/fixtures.ts';
import { snapshotState } from '../support/state-snapshot.ts';
import { bearer } from '../support/test-app.ts';

describe('CSV writing', () => {
  it('quotes what needs quoting and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('Zürich — 東京 🚚')).toBe('Zürich — 東京 🚚');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(false)).toBe('false');
    expect(csvField(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(toCsv(['a', 'b'], [['x,1', null]])).toBe('a,b\r\n"x,1",\r\n');
  });

  it('round-trips any text through an RFC 4180 reader', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 2, maxLength: 2 }), {
          maxLength: 8,
        }),
        (rows) => {
          const parsed = parseCsv(toCsv(['c1', 'c2'], rows));
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          // The reader skips blank lines: a row of two empty fields is written as ",", never blank.
          expect(parsed.records.map((r) => r.fields)).toEqual([['c1', 'c2'], ...rows]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('negotiates CSV from Accept, JSON otherwise', () => {
    expect(preferredFormat(undefined)).toBe('json');
    expect(preferredFormat('text/csv')).toBe('csv');
    expect(preferredFormat('text/csv, */*')).toBe('csv');
    expect(preferredFormat('application/json, text/csv;q=0.5')).toBe('json');
    expect(preferredFormat('text/csv;q=0.9, application/json;q=0.4')).toBe('csv');
    expect(preferredFormat('*/*')).toBe('json');
    expect(preferredFormat('text/csv;q=0')).toBe('json');
  });
});

describe('ERP exports', () => {
  let t: OrdersApp;
  const shipped: string[] = [];
  let integration: Record<string, string>;

  async function ship(foId: string, deliver = false): Promise<void> {
    for (const step of ['accept', 'pack'])
      expect((await t.call('POST', `/v1/fulfilment-orders/${foId}/${step}`, {})).status).toBe(200);
    const res = await t.call('POST', `/v1/fulfilment-orders/${foId}/ship`, {
      carrier: 'UPS, "Ground"',
      trackingNumber: `1Z${foId.slice(0, 6)}`,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    if (deliver) expect((await t.call('POST', `/v1/fulfilment-orders/${foId}/deliver`, {})).status).toBe(200);
  }
  async function newOrder(lines = [{ sku: 'SKU-A', quantity: 2, price: 10 }]): Promise<Json> {
    const res = await t.order({ destination: NEW_YORK, lines });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json;
  }
  const exportCall = async (what: string, query = '', headers: Record<string, string> = integration) =>
    t.app.inject({ method: 'GET', url: `/v1/exports/${what}${query}`, headers });

  /** Reads an export page by page from a cursor until hasMore is false. */
  async function drain(
    what: string,
    cursor: string | undefined,
    limit = 1,
  ): Promise<{ items: Json[]; cursor: string }> {
    const items: Json[] = [];
    let next = cursor;
    for (;;) {
      const res = await exportCall(what, `?limit=${limit}${next ? `&cursor=${next}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      items.push(...page.items);
      next = page.nextCursor;
      if (!page.hasMore) return { items, cursor: page.nextCursor };
    }
  }

  beforeAll(async () => {
    t = await createOrdersApp();
    integration = bearer(await t.keyFor('integration'));
    await t.stock([
      ['DC-EAST', 'SKU-A', 50],
      ['DC-EAST', 'SKU-B', 10],
    ]);
    for (let i = 0; i < 3; i++) {
      const o = await newOrder([
        { sku: 'SKU-A', quantity: 1 + i, price: 10 },
        { sku: 'SKU-B', quantity: 1, price: 4 },
      ]);
      for (const f of o.fulfilmentOrders) {
        await ship(f.id, i === 0);
        shipped.push(f.id);
      }
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('exports every shipment with its lines, paged, then only what changed since', async () => {
    const full = await drain('shipments', undefined, 1);
    // One event per page: a shipment shipped and delivered comes on two pages, as it is now each time.
    expect([...new Set(full.items.map((s) => s.shipmentId))].sort()).toEqual([...new Set(shipped)].sort());
    expect(full.items.filter((s) => s.shipmentId === shipped[0])).toHaveLength(2);
    const first = full.items.find((s) => s.shipmentId === shipped[0]);
    expect(first).toMatchObject({
      status: 'delivered',
      carrier: 'UPS, "Ground"',
      channel: 'web',
      nodeId: 'DC-EAST',
    });
    expect(first.lines.map((l: Json) => [l.sku, l.quantity]).sort()).toEqual([
      ['SKU-A', 1],
      ['SKU-B', 1],
    ]);
    expect(first.externalOrderId).toMatch(/^W-/);

    const none = await exportCall('shipments', `?cursor=${full.cursor}`);
    expect(none.json()).toEqual({ items: [], nextCursor: full.cursor, hasMore: false });

    await t.call('POST', `/v1/fulfilment-orders/${shipped[1]}/deliver`, {});
    const o = await newOrder();
    await ship(o.fulfilmentOrders[0].id);
    const delta = await drain('shipments', full.cursor, 10);
    expect(delta.items.map((s) => [s.shipmentId, s.status])).toEqual([
      [shipped[1], 'delivered'],
      [o.fulfilmentOrders[0].id, 'shipped'],
    ]);
  });

  it('writes CSV with the documented columns, by format or Accept, one row per line', async () => {
    const byFormat = await exportCall('shipments', '?format=csv&limit=1000');
    const byAccept = await exportCall('shipments', '?limit=1000', { ...integration, accept: 'text/csv' });
    for (const res of [byFormat, byAccept]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['ordergrid-has-more']).toBe('false');
      expect(typeof res.headers['ordergrid-next-cursor']).toBe('string');
    }
    expect(byAccept.body).toBe(byFormat.body);
    const parsed = parseCsv(byFormat.body);
    if (!parsed.ok) throw new Error(parsed.detail);
    const [head, ...rows] = parsed.records.map((r) => r.fields);
    expect(head).toEqual([
      'shipment_id',
      'order_id',
      'external_order_id',
      'channel',
      'node_id',
      'kind',
      'status',
      'carrier',
      'tracking_number',
      'shipped_at',
      'completed_at',
      'order_line_id',
      'sku',
      'quantity',
    ]);
    const json = (await exportCall('shipments', '?limit=1000')).json();
    expect(rows.length).toBe(json.items.reduce((n: number, s: Json) => n + s.lines.length, 0));
    expect(rows[0]![7]).toBe('UPS, "Ground"');
    // The cursor of a CSV page continues like the JSON one.
    expect(byFormat.headers['ordergrid-next-cursor']).toBe(json.nextCursor);
  });

  it('never skips a shipment whose transaction commits after a later one', async () => {
    const { cursor } = await drain('shipments', undefined, 1000);
    const late = (await newOrder()).fulfilmentOrders[0].id;
    const early = (await newOrder()).fulfilmentOrders[0].id;
    for (const step of ['accept', 'pack']) await t.call('POST', `/v1/fulfilment-orders/${late}/${step}`, {});
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let inserted!: () => void;
    const insertedYet = new Promise<void>((r) => {
      inserted = r;
    });
    // The late transaction writes its event first (an earlier insertion order) and commits last.
    const slow = t.database.db.transaction().execute(async (trx) => {
      await sql`UPDATE fulfilment_orders SET status = 'shipped', shipped_at = now() WHERE id = ${late}`.execute(
        trx,
      );
      await appendEvent(trx, {
        type: 'fulfilment-order.shipped',
        aggregateType: 'order',
        aggregateId: `late-${late}`,
        payload: { fulfilmentOrderId: late },
      });
      inserted();
      await gate;
    });
    await insertedYet;
    await ship(early);
    const before = await drain('shipments', cursor, 1000);
    expect(before.items.map((s) => s.shipmentId)).toEqual([early]);
    release();
    await slow;
    const after = await drain('shipments', before.cursor, 1000);
    expect(after.items.map((s) => s.shipmentId)).toEqual([late]);
  });

  it('exports returns with authorised and received units per line', async () => {
    const res = await t.call('PUT', '/v1/nodes/ST-RET', {
      ...storeNode({
        capabilities: ['ship', 'pickup', 'returns'],
        dailyCapacity: null,
        tags: [],
        priorityGroup: null,
      }),
      lat: 40.6782,
      lon: -73.9442,
      timezone: 'America/New_York',
    });
    expect(res.status).toBe(201);
    const o = await newOrder([{ sku: 'SKU-A', quantity: 3, price: 19.99 }]);
    await ship(o.fulfilmentOrders[0].id, true);
    const lineId = o.lines[0].id;
    const { cursor } = await drain('returns', undefined, 1000);
    const auth = await t.call('POST', `/v1/orders/${o.id}/returns`, {
      method: 'in-store',
      nodeId: 'ST-RET',
      lines: [{ lineId, quantity: 2 }],
    });
    expect(auth.status, JSON.stringify(auth.json)).toBe(201);
    const authorised = await drain('returns', cursor, 1000);
    expect(authorised.items).toHaveLength(1);
    expect(authorised.items[0]).toMatchObject({ status: 'authorised', refundTotal: null, receivedAt: null });
    const got = await t.call('POST', `/v1/returns/${auth.json.id}/receive`, {
      nodeId: 'ST-RET',
      lines: [{ lineId, quantity: 2, disposition: 'restock' }],
    });
    expect(got.status, JSON.stringify(got.json)).toBe(200);
    const received = await drain('returns', authorised.cursor, 1000);
    expect(received.items).toHaveLength(1);
    expect(received.items[0]).toMatchObject({
      returnId: auth.json.id,
      status: 'received',
      receivedNodeId: 'ST-RET',
      refundTotal: 39.98,
      lines: [
        { sku: 'SKU-A', quantity: 2, received: 2, restocked: 2, damaged: 0, refurbish: 0, refund: 39.98 },
      ],
    });
    const csv = await exportCall('returns', `?format=csv&cursor=${authorised.cursor}`);
    const parsed = parseCsv(csv.body);
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(parsed.records[0]!.fields.slice(0, 3)).toEqual(['return_id', 'order_id', 'external_order_id']);
    expect(parsed.records).toHaveLength(2);
  });

  it('exports positions, then only those changed since, including a change that commits late', async () => {
    const full = await drain('inventory-positions', undefined, 2);
    const keys = full.items.map((p) => `${p.nodeId}/${p.sku}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    const count = await t.database.db
      .selectFrom('inventory_positions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(keys.length).toBe(Number(count.n));
    const a = full.items.find((p) => p.nodeId === 'DC-EAST' && p.sku === 'SKU-A');
    expect(a.atp).toBe(Math.max(0, a.onHand - a.reserved - a.safetyStock));

    expect((await drain('inventory-positions', full.cursor, 2)).items).toEqual([]);

    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let updated!: () => void;
    const updatedYet = new Promise<void>((r) => {
      updated = r;
    });
    const slow = t.database.db.transaction().execute(async (trx) => {
      await sql`UPDATE inventory_positions SET safety_stock = 1, version = version + 1
                WHERE node_id = 'DC-EAST' AND sku = 'SKU-B'`.execute(trx);
      updated();
      await gate;
    });
    await updatedYet;
    await t.stock([['DC-WEST', 'SKU-C', 7]]);
    const first = await drain('inventory-positions', full.cursor, 2);
    expect(first.items.map((p) => `${p.nodeId}/${p.sku}`)).toEqual(['DC-WEST/SKU-C']);
    release();
    await slow;
    const second = await drain('inventory-positions', first.cursor, 2);
    expect(second.items.map((p) => [`${p.nodeId}/${p.sku}`, p.safetyStock])).toEqual([['DC-EAST/SKU-B', 1]]);
    expect((await drain('inventory-positions', second.cursor, 2)).items).toEqual([]);
  });

  it('refuses bad cursors, another export’s cursor and unknown formats with a code; associates may not read', async () => {
    const associate = bearer(await t.keyFor('associate', ['DC-EAST']));
    await sequenceAll(t.database.db); // reading an export sequences committed events, as GET /v1/events does
    const before = await snapshotState(t.database.db);
    const shipmentsCursor = (await exportCall('shipments', '?limit=1')).json().nextCursor;
    const positionsCursor = (await exportCall('inventory-positions', '?limit=1')).json().nextCursor;
    for (const [what, query] of [
      ['shipments', '?cursor=garbage'],
      ['returns', `?cursor=${shipmentsCursor}`],
      ['inventory-positions', `?cursor=${shipmentsCursor}`],
      ['shipments', `?cursor=${positionsCursor}`],
    ] as const) {
      const res = await exportCall(what, query);
      expect(res.statusCode, `${what}${query}`).toBe(400);
      expect(res.json().code).toBe('invalid-cursor');
    }
    const future = Buffer.from(
      JSON.stringify({ x: 'inventory-positions', s: '99999999999:99999999999:', u: '1:1:', a: null }),
    ).toString('base64url');
    expect((await exportCall('inventory-positions', `?cursor=${future}`)).json().code).toBe('invalid-cursor');
    const xml = await exportCall('returns', '?format=xml');
    expect(xml.statusCode).toBe(400);
    expect(xml.json().code).toBe('invalid-request');
    expect((await exportCall('shipments', '', associate)).statusCode).toBe(403);
    expect(await snapshotState(t.database.db)).toEqual(before);
  });
});
