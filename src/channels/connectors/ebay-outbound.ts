import { carrierKey, checkShipmentReport, normaliseTimestamp } from './connector-support.ts';
import type { ConnectorProblem, ShipmentReport } from './connector-types.ts';
import { ShipmentReportError } from './connector-types.ts';

/** eBay shipping carrier codes; another carrier is sent as given. */
const EBAY_CARRIERS = new Map<string, string>([
  ['ups', 'UPS'],
  ['usps', 'USPS'],
  ['fedex', 'FedEx'],
  ['dhl', 'DHL'],
  ['dhlexpress', 'DHL'],
  ['ontrac', 'OnTrac'],
  ['canadapost', 'CanadaPost'],
  ['royalmail', 'RoyalMail'],
]);

export interface EbayShippingFulfillmentBody {
  lineItems: { lineItemId: string; quantity: number }[];
  shippedDate: string;
  shippingCarrierCode: string;
  trackingNumber: string;
}

/** The body of `POST /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment` (createShippingFulfillment). */
export function ebayShippingFulfillmentPayload(report: ShipmentReport): EbayShippingFulfillmentBody {
  checkShipmentReport('ebay', 'marketplace:ebay', report);
  const problems: ConnectorProblem[] = [];
  const quantities = new Map<string, number>();
  report.lines.forEach((line, i) => {
    if (line.externalLineId === undefined) {
      problems.push({
        pointer: `/lines/${i}/externalLineId`,
        detail: 'eBay fulfils by lineItemId; it is missing',
      });
    } else quantities.set(line.externalLineId, (quantities.get(line.externalLineId) ?? 0) + line.quantity);
  });
  // eBay takes tracking numbers as letters and digits only; carriers often print them with spaces.
  const trackingNumber = report.trackingNumber.replace(/[^A-Za-z0-9]/g, '');
  if (trackingNumber === '')
    problems.push({ pointer: '/trackingNumber', detail: 'has no letters or digits' });
  if (problems.length > 0) throw new ShipmentReportError('ebay', problems);

  return {
    lineItems: [...quantities].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
    shippedDate: normaliseTimestamp(report.shippedAt)!,
    shippingCarrierCode: EBAY_CARRIERS.get(carrierKey(report.carrier)) ?? report.carrier,
    trackingNumber,
  };
}
