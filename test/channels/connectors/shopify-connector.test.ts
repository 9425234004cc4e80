import { describe, expect, it } from 'vitest';
import { shopifyConnector } from '../../../src/channels/connectors/connector-registry.ts';
import {
  type ShipmentReport,
  ShipmentReportError,
} from '../../../src/channels/connectors/connector-types.ts';
import { expectOrder, expectRejected, fixture, mutate } from './connector-fixtures.ts';

const normalise = shopifyConnector.normaliseOrder;
const locationMap = { '71823456890': 'store-chi-lincoln' };

describe('Shopify orders/create webhook → OrderGrid order', () => {
  it('maps a multi-line storefront order, net of discounts, skipping the gift card', () => {
    const { order, warnings } = expectOrder(normalise(fixture('shopify', 'order-multi-line')));
    expect(order).toEqual({
      channel: 'web',
      externalId: '6019283746234',
      customer: {
        id: '7412398765434',
        name: 'Maya Okafor',
        email: 'maya.okafor@example.com',
        phone: '+13125550147',
      },
      destination: {
        name: 'Maya Okafor',
        line1: '1847 W Division St',
        line2: 'Apt 3R',
        city: 'Chicago',
        region: 'IL',
        postalCode: '60622',
        country: 'US',
        lat: 41.9034,
        lon: -87.6745,
      },
      lines: [
        { sku: 'NW-RJ-MOSS-M', quantity: 1, price: 116.1, externalLineId: '14621839245434' },
        { sku: 'NW-SOCK-CHR-L', quantity: 3, price: 18.5, externalLineId: '14621839278202' },
        { sku: 'NW-TOTE-CNV', quantity: 1, price: 42, externalLineId: '14621839310970' },
      ],
      fulfilment: 'ship',
      serviceLevel: 'standard',
      currency: 'USD',
      placedAt: '2024-10-02T18:31:07.000Z',
      notes: 'Please leave at the side door.',
    });
    expect(warnings).toEqual([expect.stringContaining('/line_items/3 does not require shipping')]);
  });

  it('uses the numeric id, not the "#1473" name, as the external id', () => {
    const payload = fixture('shopify', 'order-multi-line');
    expect(payload.name).toBe('#1473');
    expect(expectOrder(normalise(payload)).order.externalId).toBe('6019283746234');
  });

  it('maps an overnight shipping line to next-day; an authorized payment is not held', () => {
    const { order } = expectOrder(normalise(fixture('shopify', 'order-overnight-authorized')));
    expect(order).toMatchObject({
      externalId: '6019283812794',
      serviceLevel: 'next-day',
      lines: [{ sku: 'NW-PARKA-BLK-L', quantity: 2, price: 289 }],
      destination: { city: 'New York', region: 'NY', postalCode: '10118' },
    });
    expect(order.holds).toBeUndefined();
  });

  it.each([
    ['Express', 'express'],
    ['FedEx 2Day', 'express'],
    ['Expedited Shipping', 'express'],
    ['Overnight', 'next-day'],
    ['Economy', 'standard'],
  ])('maps the shipping line "%s" to %s', (title, level) => {
    const payload = mutate(fixture('shopify', 'order-multi-line'), '/shipping_lines/0/title', title);
    mutate(payload, '/shipping_lines/0/code', 'custom');
    expect(expectOrder(normalise(payload)).order.serviceLevel).toBe(level);
  });

  it('maps a local pickup to the store node, holds it for the pending payment, and uses the billing address', () => {
    const result = expectOrder(normalise(fixture('shopify', 'order-local-pickup'), { locationMap }));
    expect(result.order).toMatchObject({
      fulfilment: 'pickup',
      pickupNode: 'store-chi-lincoln',
      serviceLevel: 'standard',
      holds: ['payment'],
      destination: { name: 'Priya Natarajan', city: 'Chicago', postalCode: '60614', country: 'US' },
      lines: [
        { sku: 'NW-TR2-SLT-9', quantity: 1, price: 134 },
        { sku: 'NW-SOCK-CHR-M', quantity: 2, price: 18.5 },
      ],
    });
  });

  it('rejects a pickup whose location has no node, or that names no location', () => {
    const payload = fixture('shopify', 'order-local-pickup');
    expect(expectRejected(normalise(payload), '/location_id')).toContain('71823456890');
    expectRejected(normalise(payload, { locationMap: { '1': 'other-store' } }), '/location_id');
    expectRejected(normalise(mutate(payload, '/location_id', null), { locationMap }), '/shipping_lines/0');
  });

  it('fulfils only what is still fulfillable', () => {
    const payload = mutate(fixture('shopify', 'order-multi-line'), '/line_items/1/fulfillable_quantity', 1);
    mutate(payload, '/line_items/2/fulfillable_quantity', 0);
    const { order, warnings } = expectOrder(normalise(payload));
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['NW-RJ-MOSS-M', 1],
      ['NW-SOCK-CHR-L', 1],
    ]);
    expect(warnings.join('\n')).toContain('/line_items/2 has no fulfillable quantity');
  });

  it('accepts fields it does not know, as Shopify adds them over time', () => {
    const payload = mutate(fixture('shopify', 'order-multi-line'), '/merchant_business_entity_id', 'MBE123');
    mutate(payload, '/line_items/0/sales_line_item_group_id', 42);
    mutate(payload, '/shipping_address/province_code_v2', { iso: 'US-IL' });
    expectOrder(normalise(payload));
  });

  it('accepts a digit-string id from a relay that re-serialised it', () => {
    const payload = mutate(fixture('shopify', 'order-multi-line'), '/id', '6019283746234');
    expect(expectOrder(normalise(payload)).order.externalId).toBe('6019283746234');
  });

  describe('malformed payloads are rejected, naming the field', () => {
    const cases: [string, string, unknown, string][] = [
      ['a missing order id', '/id', undefined, '/id'],
      ['a missing line id', '/line_items/1/id', undefined, '/line_items/1/id'],
      ['a string quantity', '/line_items/1/quantity', '3', '/line_items/1/quantity'],
      ['a negative quantity', '/line_items/1/quantity', -1, '/line_items/1/quantity'],
      ['a fractional quantity', '/line_items/1/quantity', 1.5, '/line_items/1/quantity'],
      ['a missing sku', '/line_items/2/sku', null, '/line_items/2/sku'],
      ['a blank sku', '/line_items/2/sku', '  ', '/line_items/2/sku'],
      ['a sku OrderGrid cannot take', '/line_items/2/sku', 'NW TOTE/CNV', '/line_items/2/sku'],
      ['an unparseable price', '/line_items/0/price', '129,00', '/line_items/0/price'],
      ['a numeric price', '/line_items/0/price', 129, '/line_items/0/price'],
      ['a negative price', '/line_items/0/price', '-1.00', '/line_items/0/price'],
      [
        'an unparseable discount',
        '/line_items/0/discount_allocations/0/amount',
        'ten',
        '/line_items/0/discount_allocations/0/amount',
      ],
      ['an empty line list', '/line_items', [], '/line_items'],
      ['no shipping address on an order that ships', '/shipping_address', null, '/shipping_address'],
      ['a bad country code', '/shipping_address/country_code', 'USA', '/shipping_address/country_code'],
      ['a bad currency', '/currency', 'dollars', '/currency'],
      ['a bad timestamp', '/created_at', 'yesterday', '/created_at'],
      ['a cancelled order', '/cancelled_at', '2024-10-02T15:00:00-04:00', '/cancelled_at'],
      ['a refunded order', '/financial_status', 'refunded', '/financial_status'],
      ['a voided order', '/financial_status', 'voided', '/financial_status'],
    ];
    it.each(cases)('%s', (_name, at, value, pointer) => {
      expectRejected(normalise(mutate(fixture('shopify', 'order-multi-line'), at, value)), pointer);
    });

    it('maps a quantity the platform takes but OrderGrid cannot back to the platform field', () => {
      const payload = mutate(fixture('shopify', 'order-multi-line'), '/line_items/1/quantity', 20_000);
      mutate(payload, '/line_items/1/fulfillable_quantity', 20_000);
      expect(expectRejected(normalise(payload), '/line_items/1/quantity')).toContain('/lines/1/quantity');
    });

    it('rejects an order with only digital lines', () => {
      const payload = fixture('shopify', 'order-multi-line');
      for (const i of [0, 1, 2]) mutate(payload, `/line_items/${i}/requires_shipping`, false);
      expect(expectRejected(normalise(payload), '/line_items')).toContain('no line');
    });

    it('reports every bad line, not just the first', () => {
      const payload = mutate(fixture('shopify', 'order-multi-line'), '/line_items/0/sku', '');
      mutate(payload, '/line_items/2/price', 'n/a');
      const result = normalise(payload);
      expectRejected(result, '/line_items/0/sku');
      expectRejected(result, '/line_items/2/price');
    });

    it.each([[null], [[]], ['order'], [42], [undefined]])('rejects %j at the document root', (value) => {
      expectRejected(normalise(value), '');
    });

    it('rejects an empty object naming each required field', () => {
      const result = normalise({});
      for (const field of ['/id', '/created_at', '/currency', '/line_items']) expectRejected(result, field);
    });
  });
});

describe('Shopify shipment → fulfillments.json body', () => {
  const report: ShipmentReport = {
    channel: 'web',
    externalOrderId: '6019283746234',
    nodeId: 'dc-chicago',
    carrier: 'ups',
    service: 'Ground',
    trackingNumber: '1Z999AA10123456784',
    trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
    shippedAt: '2024-10-03T17:20:00Z',
    lines: [
      {
        sku: 'NW-RJ-MOSS-M',
        externalLineId: '14621839245434',
        quantity: 1,
        fulfilmentOrderLineItemId: '13590842884154',
      },
      {
        sku: 'NW-SOCK-CHR-L',
        externalLineId: '14621839278202',
        quantity: 2,
        fulfilmentOrderLineItemId: '13590842916922',
      },
    ],
    fulfilmentOrderIds: ['6481236574266'],
  };

  it('fulfils exactly the units shipped when the fulfillment order line items are known', () => {
    expect(shopifyConnector.shipmentPayload(report)).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [
          {
            fulfillment_order_id: 6481236574266,
            fulfillment_order_line_items: [
              { id: 13590842884154, quantity: 1 },
              { id: 13590842916922, quantity: 2 },
            ],
          },
        ],
        tracking_info: {
          company: 'UPS',
          number: '1Z999AA10123456784',
          url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        },
        notify_customer: true,
      },
    });
  });

  it('groups lines by their own fulfillment order', () => {
    const body = shopifyConnector.shipmentPayload({
      ...report,
      fulfilmentOrderIds: undefined,
      lines: [
        { ...report.lines[0]!, fulfilmentOrderId: '11' },
        { ...report.lines[1]!, fulfilmentOrderId: '12' },
      ],
    }) as { fulfillment: { line_items_by_fulfillment_order: { fulfillment_order_id: number }[] } };
    expect(body.fulfillment.line_items_by_fulfillment_order.map((g) => g.fulfillment_order_id)).toEqual([
      11, 12,
    ]);
  });

  it('fulfils whole fulfillment orders when only their ids are known', () => {
    const lines = report.lines.map(({ sku, externalLineId, quantity }) => ({
      sku,
      externalLineId,
      quantity,
    }));
    const body = shopifyConnector.shipmentPayload({
      ...report,
      carrier: 'Acme Freight',
      trackingUrl: undefined,
      lines,
      fulfilmentOrderIds: ['6481236574266', '6481236607034'],
    });
    expect(body).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [
          { fulfillment_order_id: 6481236574266 },
          { fulfillment_order_id: 6481236607034 },
        ],
        tracking_info: { company: 'Acme Freight', number: '1Z999AA10123456784' },
        notify_customer: true,
      },
    });
  });

  it('refuses a report it cannot send', () => {
    const bare = { ...report, fulfilmentOrderIds: undefined, lines: [{ sku: 'NW-RJ-MOSS-M', quantity: 1 }] };
    expect(() => shopifyConnector.shipmentPayload(bare)).toThrow(ShipmentReportError);
    try {
      shopifyConnector.shipmentPayload(bare);
    } catch (err) {
      expect((err as ShipmentReportError).errors[0]?.pointer).toBe('/fulfilmentOrderIds');
    }
    expect(() => shopifyConnector.shipmentPayload({ ...report, channel: 'marketplace:ebay' })).toThrow(
      /channel/,
    );
    expect(() => shopifyConnector.shipmentPayload({ ...report, fulfilmentOrderIds: ['gid://x'] })).toThrow(
      /Shopify id/,
    );
    expect(() => shopifyConnector.shipmentPayload({ ...report, shippedAt: 'today' })).toThrow(/shippedAt/);
  });
});
