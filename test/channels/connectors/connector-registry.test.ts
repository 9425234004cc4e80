import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createConnectorRegistry,
  defaultConnectors,
  findConnector,
  shopifyConnector,
} from '../../../src/channels/connectors/connector-registry.ts';
import type { ChannelConnector } from '../../../src/channels/connectors/connector-types.ts';
import { ChannelId, OrderInput } from '../../../src/orders/order-input-schema.ts';
import { expectRejected, fixture } from './connector-fixtures.ts';

const fixtures = {
  shopify: ['order-multi-line', 'order-overnight-authorized', 'order-local-pickup'],
  amazon: ['order-multi-item-standard', 'order-next-day-prime', 'order-partially-shipped-expedited'],
  ebay: ['order-multi-line', 'order-expedited', 'order-in-store-pickup'],
} as const;
const locationMap = { '71823456890': 'store-chi-lincoln', 'CHI-LINCOLN-PARK': 'store-chi-lincoln' };

/** Every object schema in a tree, so each can be checked to let unknown platform fields through. */
function objectSchemas(schema: TSchema, found: TSchema[] = []): TSchema[] {
  if (schema[Kind] === 'Object') {
    found.push(schema);
    for (const child of Object.values(schema.properties as Record<string, TSchema>))
      objectSchemas(child, found);
  } else if (schema[Kind] === 'Array') objectSchemas(schema.items as TSchema, found);
  else if (schema[Kind] === 'Union')
    for (const child of schema.anyOf as TSchema[]) objectSchemas(child, found);
  return found;
}

/** JSON pointers of every value in a document, the root excepted. */
function pointers(value: unknown, base = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    `${base}/${key}`,
    ...pointers(child, `${base}/${key}`),
  ]);
}

function replaceAt(doc: unknown, pointer: string, value: unknown): unknown {
  const parts = pointer.split('/').slice(1);
  const last = parts.pop()!;
  let target = doc as Record<string, unknown>;
  for (const part of parts) target = target[part] as Record<string, unknown>;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return doc;
}

function expectSound(connector: ChannelConnector, payload: unknown, options = {}) {
  const result = connector.normaliseOrder(payload, options);
  if (result.ok) {
    expect(Value.Check(OrderInput, result.order)).toBe(true);
    expect(result.order.channel).toBe(connector.channel);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) expect(e.pointer === '' || e.pointer.startsWith('/')).toBe(true);
  }
}

describe('connector registry', () => {
  it('wires the three platforms to their OrderGrid channels', () => {
    expect([...defaultConnectors.values()].map((c) => [c.id, c.channel])).toEqual([
      ['shopify', 'web'],
      ['amazon', 'marketplace:amazon'],
      ['ebay', 'marketplace:ebay'],
    ]);
    for (const connector of defaultConnectors.values())
      expect(Value.Check(ChannelId, connector.channel)).toBe(true);
    expect(findConnector('shopify')).toBe(shopifyConnector);
    expect(findConnector('etsy')).toBeUndefined();
    expect(findConnector('constructor')).toBeUndefined();
  });

  it('refuses two connectors with one id', () => {
    expect(() => createConnectorRegistry([shopifyConnector, shopifyConnector])).toThrow(/twice/);
  });

  it.each([...defaultConnectors.keys()])('%s lets unknown fields through at every level', (id) => {
    const schemas = objectSchemas(findConnector(id)!.inboundSchema);
    expect(schemas.length).toBeGreaterThan(3);
    for (const schema of schemas) expect(schema.additionalProperties).toBe(true);
  });

  it.each(
    Object.entries(fixtures).flatMap(([platform, names]) => names.map((name) => [platform, name] as const)),
  )('%s fixture %s matches the inbound schema and normalises', (platform, name) => {
    const connector = findConnector(platform)!;
    const payload = fixture(platform, name);
    expect(Value.Check(connector.inboundSchema, payload)).toBe(true);
    expect(connector.normaliseOrder(payload, { locationMap }).ok).toBe(true);
  });
});

describe('normalisation never throws', () => {
  it.each([...defaultConnectors.keys()])('%s: for arbitrary JSON it returns ok: false', (id) => {
    const connector = findConnector(id)!;
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const result = connector.normaliseOrder(payload);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each(Object.entries(fixtures).map(([platform, names]) => [platform, names] as const))(
    '%s: for a recorded order with any one field replaced or removed',
    (platform, names) => {
      const connector = findConnector(platform)!;
      const docs = names.map((name) => fixture(platform, name));
      const targets = docs.flatMap((doc, i) => pointers(doc).map((p) => [i, p] as const));
      fc.assert(
        fc.property(
          fc.constantFrom(...targets),
          fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
          fc.boolean(),
          ([i, pointer], value, withMap) => {
            const payload = replaceAt(structuredClone(docs[i]), pointer, value);
            expectSound(connector, payload, withMap ? { locationMap } : {});
          },
        ),
        { numRuns: 1500 },
      );
    },
  );

  it('is not confused by keys that name Object.prototype members', () => {
    for (const connector of defaultConnectors.values()) {
      expectSound(connector, JSON.parse('{"__proto__": {"id": 1}, "constructor": [], "toString": 3}'));
      expectSound(connector, fixture(connector.id, fixtures[connector.id][0]), {
        locationMap: JSON.parse('{"__proto__": "x"}'),
      });
    }
    const amazon = findConnector('amazon')!;
    const order = fixture('amazon', 'order-next-day-prime');
    expectRejected(amazon.normaliseOrder({ ...order, OrderStatus: 'constructor' }), '/OrderStatus');
    const result = amazon.normaliseOrder({ ...order, ShipmentServiceLevelCategory: 'constructor' });
    expect(result.ok && result.order.serviceLevel).toBe('standard');
    const report = {
      channel: 'marketplace:amazon',
      externalOrderId: '114-7720391-2248215',
      nodeId: 'dc-chicago',
      carrier: 'constructor',
      trackingNumber: 'T1',
      shippedAt: '2024-10-05T16:00:00Z',
      lines: [{ sku: 'NW-PARKA-BLK-L', externalLineId: '38276145093810', quantity: 1 }],
    };
    expect(amazon.shipmentPayload(report)).toMatchObject({ packageDetail: { carrierCode: 'Other' } });
  });
});
