import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { OrderInput, OrderLineInput } from '../../orders/order-input-schema.ts';
import {
  buildDestination,
  isObject,
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

const open = { additionalProperties: true } as const;
const Amount = Type.Object({ value: Type.String(), currency: Type.String() }, open);
const Phone = Type.Object({ phoneNumber: Type.Optional(Type.String()) }, open);
const ContactAddress = Type.Object(
  {
    addressLine1: Type.Optional(Type.String()),
    addressLine2: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    stateOrProvince: Type.Optional(Type.String()),
    postalCode: Type.Optional(Type.String()),
    countryCode: Type.Optional(Type.String()),
  },
  open,
);
const Contact = Type.Object(
  {
    fullName: Type.Optional(Type.String()),
    contactAddress: Type.Optional(ContactAddress),
    primaryPhone: Type.Optional(Phone),
    email: Type.Optional(Type.String()),
  },
  open,
);

const EbayLineItem = Type.Object(
  {
    lineItemId: Type.String({ minLength: 1 }),
    sku: Type.Optional(Type.String()),
    quantity: Type.Integer({ minimum: 1 }),
    lineItemCost: Amount,
    lineItemFulfillmentStatus: Type.Optional(Type.String()),
  },
  open,
);

const FulfillmentInstructions = Type.Object(
  {
    fulfillmentInstructionsType: Type.String(),
    shippingStep: Type.Optional(
      Type.Object(
        { shipTo: Type.Optional(Contact), shippingServiceCode: Type.Optional(Type.String()) },
        open,
      ),
    ),
    pickupStep: Type.Optional(Type.Object({ merchantLocationKey: Type.Optional(Type.String()) }, open)),
  },
  open,
);

/** Sell Fulfillment API `getOrder` response (GET /sell/fulfillment/v1/order/{orderId}). */
export const EbayOrderPayload = Type.Object(
  {
    orderId: Type.String({ minLength: 1 }),
    creationDate: Type.String(),
    orderFulfillmentStatus: Type.Optional(Type.String()),
    orderPaymentStatus: Type.Optional(Type.String()),
    cancelStatus: Type.Optional(Type.Object({ cancelState: Type.Optional(Type.String()) }, open)),
    buyer: Type.Optional(
      Type.Object(
        { username: Type.Optional(Type.String()), buyerRegistrationAddress: Type.Optional(Contact) },
        open,
      ),
    ),
    pricingSummary: Type.Optional(Type.Object({ total: Type.Optional(Amount) }, open)),
    lineItems: Type.Array(EbayLineItem, { minItems: 1 }),
    fulfillmentStartInstructions: Type.Array(FulfillmentInstructions, { minItems: 1 }),
  },
  { ...open, title: 'EbayOrderPayload' },
);
export type EbayOrderPayload = Static<typeof EbayOrderPayload>;

const check = TypeCompiler.Compile(EbayOrderPayload);

/** eBay OrderPaymentStatusEnum values that leave nothing to ship. */
const REFUSED_PAYMENT = new Set(['FAILED', 'FULLY_REFUNDED']);

/** eBay order (getOrder) → OrderGrid order on `marketplace:ebay`. */
export function normaliseEbayOrder(payload: unknown, options: NormaliseOptions = {}): NormaliseResult {
  const problems = schemaProblems(check, payload);
  if (problems.length > 0 || !isObject(payload)) return { ok: false, errors: problems };
  const order = payload as EbayOrderPayload;
  const draft = new OrderDraft();
  draft.from('/externalId', '/orderId');

  if (order.orderFulfillmentStatus === 'FULFILLED')
    draft.error('/orderFulfillmentStatus', 'is FULFILLED already');
  const cancelState = order.cancelStatus?.cancelState;
  if (cancelState === 'CANCELED') draft.error('/cancelStatus/cancelState', 'the order is cancelled');
  const payment = order.orderPaymentStatus;
  if (payment !== undefined && REFUSED_PAYMENT.has(payment)) {
    draft.error('/orderPaymentStatus', `is ${payment}: there is nothing to fulfil`);
  }
  const placedAt = normaliseTimestamp(order.creationDate);
  if (placedAt === null) draft.error('/creationDate', 'must be an RFC 3339 timestamp');

  const lines: OrderLineInput[] = [];
  const currencies = new Set<string>();
  let currencyAt = '/lineItems';
  order.lineItems.forEach((item, i) => {
    const at = `/lineItems/${i}`;
    if (item.lineItemFulfillmentStatus === 'FULFILLED') {
      draft.warn(`${at} is already fulfilled; skipped`);
      return;
    }
    const sku = text(item.sku);
    if (sku === undefined) draft.error(`${at}/sku`, 'is missing: OrderGrid fulfils lines by sku');
    if (currencies.size === 0) currencyAt = `${at}/lineItemCost/currency`;
    currencies.add(item.lineItemCost.currency);
    // lineItemCost is unit price × quantity, before discounts.
    const total = parseDecimal(item.lineItemCost.value);
    if (total === null || total < 0) {
      draft.error(`${at}/lineItemCost/value`, `"${item.lineItemCost.value}" is not a non-negative decimal`);
    }
    if (sku === undefined || total === null) return;
    const n = lines.length;
    draft.from(`/lines/${n}`, at);
    draft.from(`/lines/${n}/sku`, `${at}/sku`);
    draft.from(`/lines/${n}/quantity`, `${at}/quantity`);
    draft.from(`/lines/${n}/price`, `${at}/lineItemCost/value`);
    draft.from(`/lines/${n}/externalLineId`, `${at}/lineItemId`);
    lines.push({
      sku,
      quantity: item.quantity,
      price: unitPrice(total, item.quantity),
      externalLineId: item.lineItemId,
    });
  });
  if (lines.length === 0 && draft.errors.length === 0) draft.error('/lineItems', 'no line is left to fulfil');
  if (currencies.size > 1)
    draft.error('/lineItems', `lines are priced in several currencies: ${[...currencies]}`);
  draft.from('/currency', currencyAt);

  // eBay sends one set of instructions per order; the first is the one that applies.
  const instructions = order.fulfillmentStartInstructions[0]!;
  const type = instructions.fulfillmentInstructionsType;
  const pickup = type === 'PREPARE_FOR_PICKUP';
  if (type === 'DIGITAL') {
    draft.error(
      '/fulfillmentStartInstructions/0/fulfillmentInstructionsType',
      'DIGITAL orders have nothing to ship',
    );
  } else if (!pickup && type !== 'SHIP_TO' && type !== 'SELLER_DEFINED') {
    draft.error('/fulfillmentStartInstructions/0/fulfillmentInstructionsType', `"${type}" is not supported`);
  }
  const step = instructions.shippingStep;
  const serviceCode = text(step?.shippingServiceCode);
  const serviceLevel: ServiceLevel =
    serviceCode === undefined ? 'standard' : serviceLevelFromText(serviceCode);

  const shipTo = step?.shipTo;
  const contact = shipTo ?? (pickup ? order.buyer?.buyerRegistrationAddress : undefined);
  const contactAt = shipTo
    ? '/fulfillmentStartInstructions/0/shippingStep/shipTo'
    : '/buyer/buyerRegistrationAddress';
  if (!contact?.contactAddress && !pickup) {
    draft.error(
      '/fulfillmentStartInstructions/0/shippingStep/shipTo',
      'an order that ships needs shipTo.contactAddress',
    );
  }
  const address = contact?.contactAddress;
  const destination =
    contact && address
      ? buildDestination(draft, {
          name: [contact.fullName, `${contactAt}/fullName`],
          line1: [address.addressLine1, `${contactAt}/contactAddress/addressLine1`],
          line2: [address.addressLine2, `${contactAt}/contactAddress/addressLine2`],
          city: [address.city, `${contactAt}/contactAddress/city`],
          region: [address.stateOrProvince, `${contactAt}/contactAddress/stateOrProvince`],
          postalCode: [address.postalCode, `${contactAt}/contactAddress/postalCode`],
          country: [address.countryCode, `${contactAt}/contactAddress/countryCode`],
        })
      : {};
  if (pickup && !address) draft.warn('pickup order without an address: destination left empty');

  const result: OrderInput = {
    channel: 'marketplace:ebay',
    externalId: order.orderId,
    customer: {},
    destination,
    lines,
    fulfilment: pickup ? 'pickup' : 'ship',
    serviceLevel,
    currency: [...currencies][0] ?? 'USD',
  };
  const registered = order.buyer?.buyerRegistrationAddress;
  const buyerId = draft.clip(order.buyer?.username, 100, '/buyer/username');
  if (buyerId !== undefined) result.customer.id = buyerId;
  const name = draft.clip(text(contact?.fullName) ?? registered?.fullName, 200, `${contactAt}/fullName`);
  if (name !== undefined) result.customer.name = name;
  // eBay relays buyer e-mail through its own addresses; still the right place for shipping notices.
  const email = draft.clip(text(contact?.email) ?? registered?.email, 320, `${contactAt}/email`);
  if (email !== undefined) result.customer.email = email;
  const phone = draft.clip(
    text(contact?.primaryPhone?.phoneNumber) ?? registered?.primaryPhone?.phoneNumber,
    40,
    `${contactAt}/primaryPhone/phoneNumber`,
  );
  if (phone !== undefined) result.customer.phone = phone;

  if (pickup) {
    const node = pickupNode(
      draft,
      options.locationMap,
      text(instructions.pickupStep?.merchantLocationKey),
      '/fulfillmentStartInstructions/0/pickupStep/merchantLocationKey',
    );
    if (node !== undefined) result.pickupNode = node;
  }
  if (placedAt !== null) result.placedAt = placedAt;
  const holds: NonNullable<OrderInput['holds']> = [];
  if (payment === 'PENDING') holds.push('payment');
  if (cancelState === 'IN_PROGRESS') {
    holds.push('customer');
    draft.warn('the buyer asked to cancel: held for review');
  }
  if (holds.length > 0) result.holds = holds;
  return draft.finish(result);
}
