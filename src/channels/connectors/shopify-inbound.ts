import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { OrderInput, OrderLineInput } from '../../orders/order-input-schema.ts';
import {
  buildDestination,
  isObject,
  Nullable,
  normaliseTimestamp,
  OrderDraft,
  parseDecimal,
  pickupNode,
  type ServiceLevel,
  schemaProblems,
  serviceLevelFromText,
  text,
  unitPrice,
} from './connector-support.ts';
import type { NormaliseOptions, NormaliseResult } from './connector-types.ts';

/** Shopify ids are integers in REST payloads; some relays re-serialise them as digit strings. */
const ShopifyId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' })], {
  description: 'a positive integer id',
});
const open = { additionalProperties: true } as const;

const ShopifyAddress = Type.Object(
  {
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    name: Nullable(Type.String()),
    address1: Nullable(Type.String()),
    address2: Nullable(Type.String()),
    city: Nullable(Type.String()),
    province_code: Nullable(Type.String()),
    zip: Nullable(Type.String()),
    country_code: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    latitude: Nullable(Type.Number()),
    longitude: Nullable(Type.Number()),
  },
  open,
);

const ShopifyLineItem = Type.Object(
  {
    id: ShopifyId,
    sku: Nullable(Type.String()),
    quantity: Type.Integer({ minimum: 1 }),
    price: Type.String({ description: 'a decimal string such as "19.99"' }),
    fulfillable_quantity: Type.Optional(Type.Integer({ minimum: 0 })),
    requires_shipping: Type.Optional(Type.Boolean()),
    discount_allocations: Type.Optional(Type.Array(Type.Object({ amount: Type.String() }, open))),
  },
  open,
);

/** The REST Admin API Order resource, as delivered by the `orders/create` webhook. */
export const ShopifyOrderPayload = Type.Object(
  {
    id: ShopifyId,
    name: Type.Optional(Type.String()),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    created_at: Type.String(),
    currency: Type.String(),
    financial_status: Nullable(Type.String()),
    cancelled_at: Nullable(Type.String()),
    note: Nullable(Type.String()),
    location_id: Nullable(ShopifyId),
    line_items: Type.Array(ShopifyLineItem, { minItems: 1 }),
    shipping_address: Nullable(ShopifyAddress),
    billing_address: Nullable(ShopifyAddress),
    customer: Nullable(
      Type.Object(
        {
          id: ShopifyId,
          email: Nullable(Type.String()),
          first_name: Nullable(Type.String()),
          last_name: Nullable(Type.String()),
          phone: Nullable(Type.String()),
        },
        open,
      ),
    ),
    shipping_lines: Type.Optional(
      Type.Array(Type.Object({ code: Nullable(Type.String()), title: Nullable(Type.String()) }, open)),
    ),
  },
  { ...open, title: 'ShopifyOrderPayload' },
);
export type ShopifyOrderPayload = Static<typeof ShopifyOrderPayload>;
type ShopifyAddress = Static<typeof ShopifyAddress>;

const check = TypeCompiler.Compile(ShopifyOrderPayload);

/**
 * Payment not secured: captured, but held until the hold is lifted. `authorized` is not held: stores
 * that capture manually capture at fulfilment, so holding it would stop their normal flow.
 */
const PAYMENT_HOLD_STATUSES = new Set(['pending', 'partially_paid', 'expired']);
/** Nothing left to fulfil. */
const REFUSED_STATUSES = new Set(['voided', 'refunded']);

function fullName(first: unknown, last: unknown): string | undefined {
  return text([text(first), text(last)].filter((p) => p !== undefined).join(' '));
}

function isPickupLine(line: { code?: string | null; title?: string | null }): boolean {
  return /pick\s*-?\s*up/i.test(`${line.code ?? ''} ${line.title ?? ''}`);
}

/** Shopify `orders/create` webhook payload → OrderGrid order on the `web` channel. */
export function normaliseShopifyOrder(payload: unknown, options: NormaliseOptions = {}): NormaliseResult {
  const problems = schemaProblems(check, payload);
  if (problems.length > 0 || !isObject(payload)) return { ok: false, errors: problems };
  const order = payload as ShopifyOrderPayload;
  const draft = new OrderDraft();
  draft.from('/externalId', '/id');
  draft.from('/currency', '/currency');
  draft.from('/notes', '/note');

  if (text(order.cancelled_at) !== undefined) draft.error('/cancelled_at', 'the order is cancelled');
  const financial = text(order.financial_status)?.toLowerCase();
  if (financial !== undefined && REFUSED_STATUSES.has(financial)) {
    draft.error('/financial_status', `is "${financial}": there is nothing to fulfil`);
  }
  const placedAt = normaliseTimestamp(order.created_at);
  if (placedAt === null) draft.error('/created_at', 'must be an RFC 3339 timestamp');

  const lines: OrderLineInput[] = [];
  order.line_items.forEach((item, i) => {
    const at = `/line_items/${i}`;
    if (item.requires_shipping === false) {
      draft.warn(`${at} does not require shipping (digital or gift card); not fulfilled by OrderGrid`);
      return;
    }
    // Units refunded or removed since the order was placed are no longer fulfillable.
    const quantity = Math.min(item.quantity, item.fulfillable_quantity ?? item.quantity);
    if (quantity === 0) {
      draft.warn(`${at} has no fulfillable quantity left; skipped`);
      return;
    }
    if (quantity < item.quantity)
      draft.warn(`${at}: ${quantity} of ${item.quantity} units still fulfillable`);
    const sku = text(item.sku);
    if (sku === undefined) draft.error(`${at}/sku`, 'is missing: OrderGrid fulfils lines by sku');
    const price = parseDecimal(item.price);
    if (price === null || price < 0)
      draft.error(`${at}/price`, `"${item.price}" is not a non-negative decimal`);
    let discount = 0;
    (item.discount_allocations ?? []).forEach((allocation, j) => {
      const amount = parseDecimal(allocation.amount);
      if (amount === null) draft.error(`${at}/discount_allocations/${j}/amount`, 'is not a decimal');
      else discount += amount;
    });
    if (sku === undefined || price === null) return;
    const n = lines.length;
    draft.from(`/lines/${n}`, at);
    draft.from(`/lines/${n}/sku`, `${at}/sku`);
    draft.from(`/lines/${n}/quantity`, `${at}/quantity`);
    draft.from(`/lines/${n}/price`, `${at}/price`);
    draft.from(`/lines/${n}/externalLineId`, `${at}/id`);
    // `price` is the unit list price; discount allocations are totals for the whole ordered line.
    lines.push({
      sku,
      quantity,
      price: Math.max(0, unitPrice(price * item.quantity - discount, item.quantity)),
      externalLineId: String(item.id),
    });
  });
  if (lines.length === 0 && draft.errors.length === 0) draft.error('/line_items', 'no line needs fulfilment');

  const shippingLines = order.shipping_lines ?? [];
  const pickupIndex = shippingLines.findIndex(isPickupLine);
  const pickup = pickupIndex >= 0;
  let serviceLevel: ServiceLevel = 'standard';
  if (!pickup) {
    const rank: ServiceLevel[] = ['standard', 'express', 'next-day'];
    for (const line of shippingLines) {
      const level = serviceLevelFromText(`${line.code ?? ''} ${line.title ?? ''}`);
      if (rank.indexOf(level) > rank.indexOf(serviceLevel)) serviceLevel = level;
    }
  }

  // A pickup order may carry no shipping address; the billing address then stands for the customer.
  let address: ShopifyAddress | null | undefined = order.shipping_address;
  let addressAt = '/shipping_address';
  if (!address && pickup && order.billing_address) {
    address = order.billing_address;
    addressAt = '/billing_address';
  }
  if (!address && !pickup) draft.error('/shipping_address', 'is required for an order that ships');
  if (!address && pickup) draft.warn('pickup order without an address: destination left empty');
  const destination = address
    ? buildDestination(draft, {
        name: [text(address.name) ?? fullName(address.first_name, address.last_name), `${addressAt}/name`],
        line1: [address.address1, `${addressAt}/address1`],
        line2: [address.address2, `${addressAt}/address2`],
        city: [address.city, `${addressAt}/city`],
        region: [address.province_code, `${addressAt}/province_code`],
        postalCode: [address.zip, `${addressAt}/zip`],
        country: [address.country_code, `${addressAt}/country_code`],
        lat: [address.latitude, `${addressAt}/latitude`],
        lon: [address.longitude, `${addressAt}/longitude`],
      })
    : {};

  const customer = order.customer;
  const result: OrderInput = {
    channel: 'web',
    externalId: String(order.id),
    customer: {},
    destination,
    lines,
    fulfilment: pickup ? 'pickup' : 'ship',
    serviceLevel,
    currency: order.currency.toUpperCase(),
  };
  if (customer) {
    result.customer.id = String(customer.id);
    draft.from('/customer/id', '/customer/id');
  }
  const name = draft.clip(fullName(customer?.first_name, customer?.last_name), 200, '/customer/first_name');
  if (name !== undefined) result.customer.name = name;
  const email = draft.clip(text(order.email) ?? customer?.email, 320, '/email');
  if (email !== undefined) result.customer.email = email;
  const phone = draft.clip(text(customer?.phone) ?? text(order.phone) ?? address?.phone, 40, '/phone');
  if (phone !== undefined) result.customer.phone = phone;

  if (pickup) {
    const location = order.location_id == null ? undefined : String(order.location_id);
    const node = pickupNode(
      draft,
      options.locationMap,
      location,
      location === undefined ? `/shipping_lines/${pickupIndex}` : '/location_id',
    );
    if (node !== undefined) result.pickupNode = node;
  }
  if (placedAt !== null) result.placedAt = placedAt;
  if (financial !== undefined && PAYMENT_HOLD_STATUSES.has(financial)) result.holds = ['payment'];
  const notes = draft.clip(order.note, 2000, '/note');
  if (notes !== undefined) result.notes = notes;
  return draft.finish(result);
}
