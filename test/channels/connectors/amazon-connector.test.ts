import { describe, expect, it } from 'vitest';
import { amazonConnector } from '../../../src/channels/connectors/connector-registry.ts';
import {
  type ShipmentReport,
  ShipmentReportError,
} from '../../../src/channels/connectors/connector-types.ts';
import { expectOrder, expectRejected, fixture, mutate } from './connector-fixtures.ts';

const normalise = amazonConnector.normaliseOrder;

describe('Amazon SP-API order (getOrder + getOrderItems) → OrderGrid order', () => {
  it('maps a multi-item standard order; unit price is the line total over the quantity', () => {
    const { order, warnings } = expectOrder(normalise(fixture('amazon', 'order-multi-item-standard')));
    expect(order).toEqual({
      channel: 'marketplace:amazon',
      externalId: '113-4829173-5530642',
      customer: {
        name: 'Jordan Whitfield',
        email: 'q8m2lxk4w7v1b3f@marketplace.amazon.com',
        phone: '+1 503-555-0182 ext. 31477',
      },
      destination: {
        name: 'Jordan Whitfield',
        line1: '2715 SE Belmont St',
        line2: 'Unit 6',
        city: 'PORTLAND',
        region: 'OR',
        postalCode: '97214-3127',
        country: 'US',
      },
      lines: [
        { sku: 'NW-SOCK-CHR-L', quantity: 2, price: 18.5, externalLineId: '61529347082455' },
        { sku: 'NW-TOTE-CNV', quantity: 1, price: 42, externalLineId: '61529347082471' },
        { sku: 'NW-BOTTLE-750', quantity: 1, price: 29.99, externalLineId: '61529347082487' },
      ],
      fulfilment: 'ship',
      serviceLevel: 'standard',
      currency: 'USD',
      placedAt: '2024-10-04T18:22:41.512Z',
    });
    // The cancelled item (QuantityOrdered 0) is left out, with a warning.
    expect(warnings).toEqual([expect.stringContaining('/OrderItems/3 has nothing left to ship')]);
  });

  it('maps a Prime next-day order that carries only the non-restricted address fields', () => {
    const { order } = expectOrder(normalise(fixture('amazon', 'order-next-day-prime')));
    expect(order).toMatchObject({
      externalId: '114-7720391-2248215',
      serviceLevel: 'next-day',
      destination: { city: 'SEATTLE', region: 'WA', postalCode: '98109', country: 'US' },
      lines: [{ sku: 'NW-PARKA-BLK-L', quantity: 1, price: 289, externalLineId: '38276145093810' }],
      customer: { email: '7tq0vz5r2hnl9ke@marketplace.amazon.com' },
    });
    expect(order.customer.name).toBeUndefined();
  });

  it('captures what is left of a partially shipped expedited order', () => {
    const { order, warnings } = expectOrder(
      normalise(fixture('amazon', 'order-partially-shipped-expedited')),
    );
    expect(order.serviceLevel).toBe('express');
    expect(order.lines).toEqual([
      { sku: 'NW-SOCK-CHR-M', quantity: 1, price: 18.5, externalLineId: '49201836475528' },
    ]);
    expect(warnings.join('\n')).toContain('/OrderItems/1 has nothing left to ship');
  });

  it.each([
    ['Standard', 'standard'],
    ['FreeEconomy', 'standard'],
    ['ScheduledDelivery', 'standard'],
    ['Expedited', 'express'],
    ['SecondDay', 'express'],
    ['Priority', 'express'],
    ['NextDay', 'next-day'],
    ['SameDay', 'next-day'],
  ])('maps ShipmentServiceLevelCategory %s to %s', (category, level) => {
    const payload = mutate(
      fixture('amazon', 'order-next-day-prime'),
      '/ShipmentServiceLevelCategory',
      category,
    );
    expect(expectOrder(normalise(payload)).order.serviceLevel).toBe(level);
  });

  it('warns and ships standard for a category it does not know', () => {
    const payload = mutate(
      fixture('amazon', 'order-next-day-prime'),
      '/ShipmentServiceLevelCategory',
      'Drone',
    );
    const result = expectOrder(normalise(payload));
    expect(result.order.serviceLevel).toBe('standard');
    expect(result.warnings.join()).toContain('Drone');
  });

  it('holds an order the buyer asked to cancel', () => {
    const payload = mutate(
      fixture('amazon', 'order-next-day-prime'),
      '/OrderItems/0/BuyerRequestedCancel/IsBuyerRequestedCancel',
      'true',
    );
    expect(expectOrder(normalise(payload)).order.holds).toEqual(['customer']);
  });

  it('drops a spelled-out region that is not a code, keeping the rest of the address', () => {
    const payload = mutate(
      fixture('amazon', 'order-multi-item-standard'),
      '/ShippingAddress/StateOrRegion',
      'Nordrhein-Westfalen',
    );
    const result = expectOrder(normalise(payload));
    expect(result.order.destination.region).toBeUndefined();
    expect(result.warnings.join()).toContain('/ShippingAddress/StateOrRegion');
  });

  describe('malformed payloads are rejected, naming the field', () => {
    const cases: [string, string, unknown, string][] = [
      ['an AFN (fulfilled by Amazon) order', '/FulfillmentChannel', 'AFN', '/FulfillmentChannel'],
      ['a Pending order', '/OrderStatus', 'Pending', '/OrderStatus'],
      ['a Canceled order', '/OrderStatus', 'Canceled', '/OrderStatus'],
      ['a Shipped order', '/OrderStatus', 'Shipped', '/OrderStatus'],
      ['an unknown status', '/OrderStatus', 'Lost', '/OrderStatus'],
      ['an in-store pickup order', '/IsISPU', true, '/IsISPU'],
      ['a missing order id', '/AmazonOrderId', undefined, '/AmazonOrderId'],
      ['a missing item id', '/OrderItems/1/OrderItemId', undefined, '/OrderItems/1/OrderItemId'],
      ['a missing SellerSKU', '/OrderItems/0/SellerSKU', undefined, '/OrderItems/0/SellerSKU'],
      ['a string quantity', '/OrderItems/0/QuantityOrdered', '2', '/OrderItems/0/QuantityOrdered'],
      ['a negative quantity', '/OrderItems/0/QuantityOrdered', -2, '/OrderItems/0/QuantityOrdered'],
      ['an unparseable price', '/OrderItems/1/ItemPrice/Amount', '42.OO', '/OrderItems/1/ItemPrice/Amount'],
      ['a missing price', '/OrderItems/1/ItemPrice', undefined, '/OrderItems/1/ItemPrice'],
      ['an empty item list', '/OrderItems', [], '/OrderItems'],
      ['no shipping address', '/ShippingAddress', undefined, '/ShippingAddress'],
      ['a bad purchase date', '/PurchaseDate', '10/04/2024', '/PurchaseDate'],
    ];
    it.each(cases)('%s', (_name, at, value, pointer) => {
      expectRejected(normalise(mutate(fixture('amazon', 'order-multi-item-standard'), at, value)), pointer);
    });

    it('explains an AFN rejection', () => {
      const payload = mutate(fixture('amazon', 'order-next-day-prime'), '/FulfillmentChannel', 'AFN');
      expect(expectRejected(normalise(payload), '/FulfillmentChannel')).toMatch(/Amazon fulfils this order/);
    });

    it('rejects a currency that is not an ISO code, at the item that gave it', () => {
      const payload = mutate(
        fixture('amazon', 'order-next-day-prime'),
        '/OrderItems/0/ItemPrice/CurrencyCode',
        'usd',
      );
      expectRejected(normalise(payload), '/OrderItems/0/ItemPrice/CurrencyCode');
    });

    it('rejects items priced in two currencies', () => {
      const payload = mutate(
        fixture('amazon', 'order-multi-item-standard'),
        '/OrderItems/1/ItemPrice/CurrencyCode',
        'CAD',
      );
      expect(expectRejected(normalise(payload), '/OrderItems')).toContain('currencies');
    });

    it('rejects an order whose every item is cancelled', () => {
      const payload = fixture('amazon', 'order-next-day-prime');
      mutate(payload, '/OrderItems/0/QuantityOrdered', 0);
      expectRejected(normalise(payload), '/OrderItems');
    });

    it('rejects the raw getOrder envelope, which is not the documented input', () => {
      const payload = { payload: fixture('amazon', 'order-next-day-prime') };
      expectRejected(normalise(payload), '/AmazonOrderId');
    });
  });
});

describe('Amazon shipment → confirmShipment body', () => {
  const report: ShipmentReport = {
    channel: 'marketplace:amazon',
    externalOrderId: '113-4829173-5530642',
    nodeId: 'dc-chicago',
    carrier: 'UPS',
    service: 'UPS Ground',
    trackingNumber: '1Z999AA10123456784',
    shippedAt: '2024-10-05T16:02:11-05:00',
    lines: [
      { sku: 'NW-SOCK-CHR-L', externalLineId: '61529347082455', quantity: 2 },
      { sku: 'NW-TOTE-CNV', externalLineId: '61529347082471', quantity: 1 },
    ],
  };

  it('uses Amazon’s field names, the order item ids, and a UTC ship date', () => {
    expect(amazonConnector.shipmentPayload(report)).toEqual({
      marketplaceId: 'ATVPDKIKX0DER',
      packageDetail: {
        packageReferenceId: '1',
        carrierCode: 'UPS',
        shippingMethod: 'UPS Ground',
        trackingNumber: '1Z999AA10123456784',
        shipDate: '2024-10-05T21:02:11.000Z',
        orderItems: [
          { orderItemId: '61529347082455', quantity: 2 },
          { orderItemId: '61529347082471', quantity: 1 },
        ],
      },
    });
  });

  it('sends an unlisted carrier as Other with its name, and takes the marketplace and package number', () => {
    const body = amazonConnector.shipmentPayload(
      { ...report, carrier: 'Acme Freight', service: undefined, packageNumber: 2 },
      { marketplaceId: 'A2EUQ1WTGCTBG2' },
    );
    expect(body).toMatchObject({
      marketplaceId: 'A2EUQ1WTGCTBG2',
      packageDetail: { packageReferenceId: '2', carrierCode: 'Other', carrierName: 'Acme Freight' },
    });
    expect((body as { packageDetail: object }).packageDetail).not.toHaveProperty('shippingMethod');
  });

  it('adds up two report lines for the same order item', () => {
    const body = amazonConnector.shipmentPayload({
      ...report,
      lines: [
        { sku: 'NW-SOCK-CHR-L', externalLineId: '61529347082455', quantity: 1 },
        { sku: 'NW-SOCK-CHR-L', externalLineId: '61529347082455', quantity: 1 },
      ],
    }) as { packageDetail: { orderItems: unknown[] } };
    expect(body.packageDetail.orderItems).toEqual([{ orderItemId: '61529347082455', quantity: 2 }]);
  });

  it('refuses a line without its order item id', () => {
    const bad = { ...report, lines: [{ sku: 'NW-TOTE-CNV', quantity: 1 }] };
    expect(() => amazonConnector.shipmentPayload(bad)).toThrow(ShipmentReportError);
    expect(() => amazonConnector.shipmentPayload(bad)).toThrow('/lines/0/externalLineId');
    expect(() => amazonConnector.shipmentPayload({ ...report, channel: 'web' })).toThrow('/channel');
  });
});
