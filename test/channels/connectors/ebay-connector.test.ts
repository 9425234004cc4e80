import { describe, expect, it } from 'vitest';
import { ebayConnector } from '../../../src/channels/connectors/connector-registry.ts';
import {
  type ShipmentReport,
  ShipmentReportError,
} from '../../../src/channels/connectors/connector-types.ts';
import { expectOrder, expectRejected, fixture, mutate } from './connector-fixtures.ts';

const normalise = ebayConnector.normaliseOrder;
const shipTo = '/fulfillmentStartInstructions/0/shippingStep/shipTo';

describe('eBay getOrder → OrderGrid order', () => {
  it('maps a multi-line order; lineItemCost is the line total', () => {
    const { order, warnings } = expectOrder(normalise(fixture('ebay', 'order-multi-line')));
    expect(order).toEqual({
      channel: 'marketplace:ebay',
      externalId: '08-12049-33718',
      customer: {
        id: 'trailmix_77',
        name: 'Samuel Ortega',
        email: '3a9f2c7e1b5d4086a2c1@members.ebay.com',
        phone: '+1 7205550164',
      },
      destination: {
        name: 'Samuel Ortega',
        line1: '3321 Walnut St',
        line2: 'Unit B',
        city: 'Denver',
        region: 'CO',
        postalCode: '80205-2437',
        country: 'US',
      },
      lines: [
        { sku: 'NW-TR2-SLT-10', quantity: 1, price: 119.99, externalLineId: '10067523149012' },
        { sku: 'NW-SOCK-CHR-L', quantity: 3, price: 18.5, externalLineId: '10067523149028' },
      ],
      fulfilment: 'ship',
      serviceLevel: 'standard',
      currency: 'USD',
      placedAt: '2024-10-03T21:14:52.000Z',
    });
    expect(warnings).toEqual([]);
  });

  it('maps a two-day service code to express', () => {
    const { order } = expectOrder(normalise(fixture('ebay', 'order-expedited')));
    expect(order).toMatchObject({
      externalId: '21-11873-90254',
      serviceLevel: 'express',
      lines: [{ sku: 'NW-PARKA-BLK-L', quantity: 1, price: 289 }],
    });
  });

  it.each([
    ['USPSPriority', 'standard'],
    ['UPSGround', 'standard'],
    ['USPSPriorityMailExpress', 'express'],
    ['FedEx2Day', 'express'],
    ['ShippingMethodExpress', 'express'],
    ['UPSNextDayAir', 'next-day'],
    ['FedExStandardOvernight', 'next-day'],
  ])('maps shippingServiceCode %s to %s', (code, level) => {
    const payload = mutate(
      fixture('ebay', 'order-multi-line'),
      '/fulfillmentStartInstructions/0/shippingStep/shippingServiceCode',
      code,
    );
    expect(expectOrder(normalise(payload)).order.serviceLevel).toBe(level);
  });

  it('maps in-store pickup to the node of the merchant location, held for the pending payment', () => {
    const locationMap = { 'CHI-LINCOLN-PARK': 'store-chi-lincoln' };
    const { order } = expectOrder(normalise(fixture('ebay', 'order-in-store-pickup'), { locationMap }));
    expect(order).toMatchObject({
      fulfilment: 'pickup',
      pickupNode: 'store-chi-lincoln',
      holds: ['payment'],
      customer: { id: 'mbell_chi', name: 'Marcus Bell' },
      destination: { city: 'Chicago', postalCode: '60642' },
    });
  });

  it('rejects a pickup at a location with no node', () => {
    const detail = expectRejected(
      normalise(fixture('ebay', 'order-in-store-pickup')),
      '/fulfillmentStartInstructions/0/pickupStep/merchantLocationKey',
    );
    expect(detail).toContain('CHI-LINCOLN-PARK');
  });

  it('skips lines already fulfilled and holds an order whose cancellation is in progress', () => {
    const payload = mutate(
      fixture('ebay', 'order-multi-line'),
      '/lineItems/0/lineItemFulfillmentStatus',
      'FULFILLED',
    );
    mutate(payload, '/cancelStatus/cancelState', 'IN_PROGRESS');
    const { order, warnings } = expectOrder(normalise(payload));
    expect(order.lines.map((l) => l.sku)).toEqual(['NW-SOCK-CHR-L']);
    expect(order.holds).toEqual(['customer']);
    expect(warnings.join('\n')).toContain('/lineItems/0 is already fulfilled');
  });

  describe('malformed payloads are rejected, naming the field', () => {
    const cases: [string, string, unknown, string][] = [
      ['a missing order id', '/orderId', undefined, '/orderId'],
      ['a missing line id', '/lineItems/1/lineItemId', undefined, '/lineItems/1/lineItemId'],
      ['a missing sku', '/lineItems/1/sku', undefined, '/lineItems/1/sku'],
      ['a string quantity', '/lineItems/1/quantity', '3', '/lineItems/1/quantity'],
      ['a negative quantity', '/lineItems/1/quantity', -3, '/lineItems/1/quantity'],
      ['a zero quantity', '/lineItems/1/quantity', 0, '/lineItems/1/quantity'],
      [
        'an unparseable price',
        '/lineItems/0/lineItemCost/value',
        '$119.99',
        '/lineItems/0/lineItemCost/value',
      ],
      ['a missing price', '/lineItems/0/lineItemCost', undefined, '/lineItems/0/lineItemCost'],
      ['an empty line list', '/lineItems', [], '/lineItems'],
      ['no fulfilment instructions', '/fulfillmentStartInstructions', [], '/fulfillmentStartInstructions'],
      ['no ship-to address', `${shipTo}/contactAddress`, undefined, shipTo],
      [
        'a bad country',
        `${shipTo}/contactAddress/countryCode`,
        'United States',
        `${shipTo}/contactAddress/countryCode`,
      ],
      ['a cancelled order', '/cancelStatus/cancelState', 'CANCELED', '/cancelStatus/cancelState'],
      ['a failed payment', '/orderPaymentStatus', 'FAILED', '/orderPaymentStatus'],
      ['a fulfilled order', '/orderFulfillmentStatus', 'FULFILLED', '/orderFulfillmentStatus'],
      [
        'a digital order',
        '/fulfillmentStartInstructions/0/fulfillmentInstructionsType',
        'DIGITAL',
        '/fulfillmentStartInstructions/0/fulfillmentInstructionsType',
      ],
      ['a bad creation date', '/creationDate', '2024-10-03', '/creationDate'],
    ];
    it.each(cases)('%s', (_name, at, value, pointer) => {
      expectRejected(normalise(mutate(fixture('ebay', 'order-multi-line'), at, value)), pointer);
    });
  });
});

describe('eBay shipment → createShippingFulfillment body', () => {
  const report: ShipmentReport = {
    channel: 'marketplace:ebay',
    externalOrderId: '08-12049-33718',
    nodeId: 'dc-chicago',
    carrier: 'usps',
    service: 'Priority Mail',
    trackingNumber: '9400 1112 0200 1234 5678 90',
    shippedAt: '2024-10-04T15:30:00Z',
    lines: [
      { sku: 'NW-TR2-SLT-10', externalLineId: '10067523149012', quantity: 1 },
      { sku: 'NW-SOCK-CHR-L', externalLineId: '10067523149028', quantity: 3 },
    ],
  };

  it('uses eBay’s field names and formats', () => {
    expect(ebayConnector.shipmentPayload(report)).toEqual({
      lineItems: [
        { lineItemId: '10067523149012', quantity: 1 },
        { lineItemId: '10067523149028', quantity: 3 },
      ],
      shippedDate: '2024-10-04T15:30:00.000Z',
      shippingCarrierCode: 'USPS',
      trackingNumber: '9400111202001234567890',
    });
  });

  it('refuses a line without its eBay line item id', () => {
    const bad = { ...report, lines: [{ sku: 'NW-TOTE-CNV', quantity: 1 }] };
    expect(() => ebayConnector.shipmentPayload(bad)).toThrow(ShipmentReportError);
    expect(() => ebayConnector.shipmentPayload({ ...report, trackingNumber: '--' })).toThrow(
      '/trackingNumber',
    );
  });
});
