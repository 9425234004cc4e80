import { carrierKey, checkShipmentReport } from './connector-support.ts';
import type { ConnectorProblem, ShipmentReport } from './connector-types.ts';
import { ShipmentReportError } from './connector-types.ts';

/** Carrier names as Shopify lists them: a recognised name gives the customer a tracking link. */
const SHOPIFY_CARRIERS = new Map<string, string>([
  ['ups', 'UPS'],
  ['usps', 'USPS'],
  ['fedex', 'FedEx'],
  ['dhl', 'DHL Express'],
  ['dhlexpress', 'DHL Express'],
  ['dhlecommerce', 'DHL eCommerce'],
  ['ontrac', 'OnTrac'],
  ['lasership', 'LaserShip'],
  ['canadapost', 'Canada Post'],
  ['royalmail', 'Royal Mail'],
  ['purolator', 'Purolator'],
]);

export interface ShopifyFulfillmentBody {
  fulfillment: {
    line_items_by_fulfillment_order: {
      fulfillment_order_id: number;
      fulfillment_order_line_items?: { id: number; quantity: number }[];
    }[];
    tracking_info: { company: string; number: string; url?: string };
    notify_customer: boolean;
  };
}

function shopifyId(value: string, pointer: string, problems: ConnectorProblem[]): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n))
    problems.push({ pointer, detail: 'is not a Shopify id' });
  return n;
}

/**
 * The body of `POST /admin/api/2024-10/fulfillments.json`. Shopify fulfils through fulfillment orders,
 * not order lines: when every line names its fulfillment order line item, exactly those units are
 * fulfilled; otherwise the report's `fulfilmentOrderIds` are fulfilled whole (everything left on them).
 */
export function shopifyFulfillmentPayload(report: ShipmentReport): ShopifyFulfillmentBody {
  checkShipmentReport('shopify', 'web', report);
  const problems: ConnectorProblem[] = [];
  const orderIds = report.fulfilmentOrderIds ?? [];
  const onlyOrder = orderIds.length === 1 ? orderIds[0] : undefined;
  const explicit = report.lines.every(
    (l) => l.fulfilmentOrderLineItemId !== undefined && (l.fulfilmentOrderId ?? onlyOrder) !== undefined,
  );

  let groups: ShopifyFulfillmentBody['fulfillment']['line_items_by_fulfillment_order'] = [];
  if (explicit) {
    const byOrder = new Map<string, { id: number; quantity: number }[]>();
    report.lines.forEach((line, i) => {
      const orderId = (line.fulfilmentOrderId ?? onlyOrder)!;
      const items = byOrder.get(orderId) ?? [];
      byOrder.set(orderId, items);
      items.push({
        id: shopifyId(line.fulfilmentOrderLineItemId!, `/lines/${i}/fulfilmentOrderLineItemId`, problems),
        quantity: line.quantity,
      });
    });
    groups = [...byOrder].map(([orderId, items]) => ({
      fulfillment_order_id: shopifyId(orderId, '/fulfilmentOrderIds', problems),
      fulfillment_order_line_items: items,
    }));
  } else if (orderIds.length > 0) {
    groups = orderIds.map((id, i) => ({
      fulfillment_order_id: shopifyId(id, `/fulfilmentOrderIds/${i}`, problems),
    }));
  } else {
    problems.push({
      pointer: '/fulfilmentOrderIds',
      detail: 'Shopify needs the fulfillment order ids (GET /orders/{id}/fulfillment_orders.json)',
    });
  }
  if (problems.length > 0) throw new ShipmentReportError('shopify', problems);

  const tracking: ShopifyFulfillmentBody['fulfillment']['tracking_info'] = {
    company: SHOPIFY_CARRIERS.get(carrierKey(report.carrier)) ?? report.carrier,
    number: report.trackingNumber,
  };
  if (report.trackingUrl !== undefined) tracking.url = report.trackingUrl;
  return {
    fulfillment: { line_items_by_fulfillment_order: groups, tracking_info: tracking, notify_customer: true },
  };
}
