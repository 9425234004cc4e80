import { carrierKey, checkShipmentReport, normaliseTimestamp } from './connector-support.ts';
import type { ConnectorProblem, ShipmentOptions, ShipmentReport } from './connector-types.ts';
import { ShipmentReportError } from './connector-types.ts';

/** Amazon.com (US); other marketplaces pass their id in the shipment options. */
export const AMAZON_US_MARKETPLACE = 'ATVPDKIKX0DER';

/** Values of Amazon's carrierCode list; any other carrier is sent as "Other" with its name. */
const AMAZON_CARRIERS = new Map<string, string>([
  ['ups', 'UPS'],
  ['usps', 'USPS'],
  ['fedex', 'FedEx'],
  ['dhl', 'DHL'],
  ['dhlexpress', 'DHL'],
  ['ontrac', 'OnTrac'],
  ['lasership', 'LaserShip'],
  ['canadapost', 'Canada Post'],
  ['royalmail', 'Royal Mail'],
  ['amazonshipping', 'Amazon Shipping'],
]);

export interface AmazonConfirmShipmentBody {
  marketplaceId: string;
  packageDetail: {
    packageReferenceId: string;
    carrierCode: string;
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    orderItems: { orderItemId: string; quantity: number }[];
  };
}

/** The body of `POST /orders/v0/orders/{orderId}/shipmentConfirmation` (confirmShipment). */
export function amazonConfirmShipmentPayload(
  report: ShipmentReport,
  options: ShipmentOptions = {},
): AmazonConfirmShipmentBody {
  checkShipmentReport('amazon', 'marketplace:amazon', report);
  const problems: ConnectorProblem[] = [];
  const quantities = new Map<string, number>();
  report.lines.forEach((line, i) => {
    if (line.externalLineId === undefined) {
      problems.push({
        pointer: `/lines/${i}/externalLineId`,
        detail: 'Amazon confirms by OrderItemId; it is missing',
      });
    } else quantities.set(line.externalLineId, (quantities.get(line.externalLineId) ?? 0) + line.quantity);
  });
  if (problems.length > 0) throw new ShipmentReportError('amazon', problems);

  const code = AMAZON_CARRIERS.get(carrierKey(report.carrier));
  const detail: AmazonConfirmShipmentBody['packageDetail'] = {
    // Amazon accepts only positive numbers here, unique per package of the order.
    packageReferenceId: String(report.packageNumber ?? 1),
    carrierCode: code ?? 'Other',
    trackingNumber: report.trackingNumber,
    shipDate: normaliseTimestamp(report.shippedAt)!,
    orderItems: [...quantities].map(([orderItemId, quantity]) => ({ orderItemId, quantity })),
  };
  if (code === undefined) detail.carrierName = report.carrier;
  if (report.service !== undefined) detail.shippingMethod = report.service;
  return { marketplaceId: options.marketplaceId ?? AMAZON_US_MARKETPLACE, packageDetail: detail };
}
