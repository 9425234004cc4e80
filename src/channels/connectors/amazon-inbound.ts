import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { OrderInput, OrderLineInput } from '../../orders/order-input-schema.ts';
import {
  buildDestination,
  isObject,
  normaliseTimestamp,
  OrderDraft,
  parseDecimal,
  type ServiceLevel,
  schemaProblems,
  text,
  unitPrice,
} from './connector-support.ts';
import type { NormaliseResult } from './connector-types.ts';

const open = { additionalProperties: true } as const;
const Money = Type.Object({ CurrencyCode: Type.String(), Amount: Type.String() }, open);

const AmazonOrderItem = Type.Object(
  {
    OrderItemId: Type.String({ minLength: 1 }),
    ASIN: Type.String(),
    SellerSKU: Type.Optional(Type.String()),
    QuantityOrdered: Type.Integer({ minimum: 0 }),
    QuantityShipped: Type.Optional(Type.Integer({ minimum: 0 })),
    ItemPrice: Type.Optional(Money),
    BuyerRequestedCancel: Type.Optional(
      Type.Object(
        { IsBuyerRequestedCancel: Type.Optional(Type.Union([Type.String(), Type.Boolean()])) },
        open,
      ),
    ),
  },
  open,
);

/**
 * Selling Partner API Orders v0: the `payload` of `getOrder` with the `OrderItems` of `getOrderItems`
 * added at its top level (the connector calling Amazon makes both calls and merges them).
 */
export const AmazonOrderPayload = Type.Object(
  {
    AmazonOrderId: Type.String({ minLength: 1 }),
    PurchaseDate: Type.String(),
    OrderStatus: Type.String(),
    FulfillmentChannel: Type.Optional(Type.String()),
    ShipmentServiceLevelCategory: Type.Optional(Type.String()),
    MarketplaceId: Type.Optional(Type.String()),
    IsISPU: Type.Optional(Type.Boolean()),
    ShippingAddress: Type.Optional(
      Type.Object(
        {
          Name: Type.Optional(Type.String()),
          AddressLine1: Type.Optional(Type.String()),
          AddressLine2: Type.Optional(Type.String()),
          AddressLine3: Type.Optional(Type.String()),
          City: Type.Optional(Type.String()),
          StateOrRegion: Type.Optional(Type.String()),
          PostalCode: Type.Optional(Type.String()),
          CountryCode: Type.String(),
          Phone: Type.Optional(Type.String()),
        },
        open,
      ),
    ),
    BuyerInfo: Type.Optional(
      Type.Object(
        { BuyerEmail: Type.Optional(Type.String()), BuyerName: Type.Optional(Type.String()) },
        open,
      ),
    ),
    OrderItems: Type.Array(AmazonOrderItem, { minItems: 1 }),
  },
  { ...open, title: 'AmazonOrderPayload' },
);
export type AmazonOrderPayload = Static<typeof AmazonOrderPayload>;

const check = TypeCompiler.Compile(AmazonOrderPayload);

const SERVICE_LEVELS = new Map<string, ServiceLevel>([
  ['standard', 'standard'],
  ['freeeconomy', 'standard'],
  ['scheduleddelivery', 'standard'],
  ['expedited', 'express'],
  ['secondday', 'express'],
  ['priority', 'express'],
  ['nextday', 'next-day'],
  ['sameday', 'next-day'],
]);

/** Statuses with nothing for the seller to ship now: only Unshipped and PartiallyShipped are captured. */
const REFUSED_STATUS = new Map<string, string>([
  ['Pending', 'payment is not authorised yet and Amazon gives no address: capture it once Unshipped'],
  ['PendingAvailability', 'a pre-order not yet released: capture it once Unshipped'],
  ['Shipped', 'already shipped'],
  ['InvoiceUnconfirmed', 'already shipped'],
  ['Canceled', 'cancelled'],
  ['Unfulfillable', 'unfulfillable (an Amazon-fulfilled order)'],
]);

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** SP-API order (getOrder + getOrderItems) → OrderGrid order on `marketplace:amazon`. */
export function normaliseAmazonOrder(payload: unknown): NormaliseResult {
  const problems = schemaProblems(check, payload);
  if (problems.length > 0 || !isObject(payload)) return { ok: false, errors: problems };
  const order = payload as AmazonOrderPayload;
  const draft = new OrderDraft();
  draft.from('/externalId', '/AmazonOrderId');

  if (order.FulfillmentChannel === 'AFN') {
    draft.error(
      '/FulfillmentChannel',
      'is AFN: Amazon fulfils this order itself, OrderGrid does not route it',
    );
  }
  const refused = REFUSED_STATUS.get(order.OrderStatus);
  if (refused !== undefined) draft.error('/OrderStatus', `is ${order.OrderStatus}: ${refused}`);
  else if (order.OrderStatus !== 'Unshipped' && order.OrderStatus !== 'PartiallyShipped') {
    draft.error('/OrderStatus', `"${order.OrderStatus}" is not an Amazon order status`);
  }
  if (order.IsISPU === true) {
    draft.error(
      '/IsISPU',
      'in-store pickup orders from Amazon are not supported: they name no pickup location',
    );
  }
  const placedAt = normaliseTimestamp(order.PurchaseDate);
  if (placedAt === null) draft.error('/PurchaseDate', 'must be an RFC 3339 timestamp');

  const lines: OrderLineInput[] = [];
  const currencies = new Set<string>();
  let currencyAt = '/OrderItems';
  let cancelRequested = false;
  order.OrderItems.forEach((item, i) => {
    const at = `/OrderItems/${i}`;
    // Cancelled items stay in the list with QuantityOrdered 0; shipped units are done.
    const quantity = item.QuantityOrdered - (item.QuantityShipped ?? 0);
    if (quantity <= 0) {
      draft.warn(`${at} has nothing left to ship; skipped`);
      return;
    }
    if (isTrue(item.BuyerRequestedCancel?.IsBuyerRequestedCancel)) cancelRequested = true;
    const sku = text(item.SellerSKU);
    if (sku === undefined) draft.error(`${at}/SellerSKU`, 'is missing: OrderGrid fulfils lines by sku');
    let price: number | null = null;
    if (item.ItemPrice === undefined) draft.error(`${at}/ItemPrice`, 'is required to price the line');
    else {
      if (currencies.size === 0) currencyAt = `${at}/ItemPrice/CurrencyCode`;
      currencies.add(item.ItemPrice.CurrencyCode);
      const total = parseDecimal(item.ItemPrice.Amount);
      if (total === null || total < 0) {
        draft.error(`${at}/ItemPrice/Amount`, `"${item.ItemPrice.Amount}" is not a non-negative decimal`);
      } else price = unitPrice(total, item.QuantityOrdered);
    }
    if (sku === undefined || price === null) return;
    const n = lines.length;
    draft.from(`/lines/${n}`, at);
    draft.from(`/lines/${n}/sku`, `${at}/SellerSKU`);
    draft.from(`/lines/${n}/quantity`, `${at}/QuantityOrdered`);
    draft.from(`/lines/${n}/price`, `${at}/ItemPrice/Amount`);
    draft.from(`/lines/${n}/externalLineId`, `${at}/OrderItemId`);
    lines.push({ sku, quantity, price, externalLineId: item.OrderItemId });
  });
  if (lines.length === 0 && draft.errors.length === 0) draft.error('/OrderItems', 'no item is left to ship');
  if (currencies.size > 1)
    draft.error('/OrderItems', `items are priced in several currencies: ${[...currencies]}`);
  const currency = [...currencies][0] ?? 'USD';
  draft.from('/currency', currencyAt);

  const categoryText = order.ShipmentServiceLevelCategory;
  let serviceLevel: ServiceLevel = 'standard';
  if (categoryText !== undefined) {
    const level = SERVICE_LEVELS.get(categoryText.toLowerCase());
    if (level === undefined)
      draft.warn(`/ShipmentServiceLevelCategory "${categoryText}" is unknown; standard used`);
    else serviceLevel = level;
    if (categoryText === 'SameDay') draft.warn('SameDay is served as next-day, the fastest OrderGrid level');
  }

  const address = order.ShippingAddress;
  if (address === undefined) draft.error('/ShippingAddress', 'is required for an order that ships');
  const destination = address
    ? buildDestination(draft, {
        name: [address.Name, '/ShippingAddress/Name'],
        line1: [address.AddressLine1, '/ShippingAddress/AddressLine1'],
        line2: [
          [text(address.AddressLine2), text(address.AddressLine3)].filter(Boolean).join(', '),
          '/ShippingAddress/AddressLine2',
        ],
        city: [address.City, '/ShippingAddress/City'],
        region: [address.StateOrRegion, '/ShippingAddress/StateOrRegion'],
        postalCode: [address.PostalCode, '/ShippingAddress/PostalCode'],
        country: [address.CountryCode, '/ShippingAddress/CountryCode'],
      })
    : {};

  const result: OrderInput = {
    channel: 'marketplace:amazon',
    externalId: order.AmazonOrderId,
    customer: {},
    destination,
    lines,
    fulfilment: 'ship',
    serviceLevel,
    currency,
  };
  const name = draft.clip(text(order.BuyerInfo?.BuyerName) ?? address?.Name, 200, '/BuyerInfo/BuyerName');
  if (name !== undefined) result.customer.name = name;
  // Amazon gives a relay address (…@marketplace.amazon.com): usable for messages, not an identity.
  const email = draft.clip(order.BuyerInfo?.BuyerEmail, 320, '/BuyerInfo/BuyerEmail');
  if (email !== undefined) result.customer.email = email;
  const phone = draft.clip(address?.Phone, 40, '/ShippingAddress/Phone');
  if (phone !== undefined) result.customer.phone = phone;
  if (placedAt !== null) result.placedAt = placedAt;
  if (cancelRequested) {
    result.holds = ['customer'];
    draft.warn('the buyer asked to cancel: held for review');
  }
  return draft.finish(result);
}
