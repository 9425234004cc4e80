import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { OrderInput } from '../../orders/order-input-schema.ts';

export const CONNECTOR_IDS = ['shopify', 'amazon', 'ebay'] as const;
export type ConnectorId = (typeof CONNECTOR_IDS)[number];

/** One problem with a platform payload; `pointer` is a JSON pointer into that payload, as received. */
export interface ConnectorProblem {
  pointer: string;
  detail: string;
}

export type NormaliseResult =
  | { ok: true; order: OrderInput; warnings: string[] }
  | { ok: false; errors: ConnectorProblem[] };

export interface NormaliseOptions {
  /**
   * The platform's location id → OrderGrid node id. Pickup orders name the store by the platform's id
   * (Shopify `location_id`, eBay `merchantLocationKey`); without a mapping they are rejected.
   */
  locationMap?: Record<string, string>;
}

export interface ShipmentOptions {
  /** Amazon marketplace of the order (confirmShipment requires it); defaults to the connector's. */
  marketplaceId?: string;
}

export const ShipmentReportLine = Type.Object(
  {
    sku: Type.String({ minLength: 1 }),
    externalLineId: Type.Optional(Type.String({ minLength: 1, description: "The channel's own line id" })),
    quantity: Type.Integer({ minimum: 1 }),
    fulfilmentOrderId: Type.Optional(
      Type.String({ minLength: 1, description: 'Shopify: the fulfillment order holding this line' }),
    ),
    fulfilmentOrderLineItemId: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Shopify: the fulfillment order line item id (not the order line id)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A shipment OrderGrid made, to be reported back to the channel the order came from. */
export const ShipmentReport = Type.Object(
  {
    channel: Type.String({ minLength: 1 }),
    externalOrderId: Type.String({ minLength: 1 }),
    nodeId: Type.String({ minLength: 1 }),
    carrier: Type.String({ minLength: 1, description: 'Carrier name, e.g. "ups", "FedEx"' }),
    service: Type.Optional(Type.String({ minLength: 1 })),
    trackingNumber: Type.String({ minLength: 1 }),
    trackingUrl: Type.Optional(Type.String({ minLength: 1 })),
    shippedAt: Type.String({ minLength: 1, description: 'ISO 8601 timestamp' }),
    lines: Type.Array(ShipmentReportLine, { minItems: 1 }),
    fulfilmentOrderIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    packageNumber: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Package number within the order (Amazon packageReferenceId)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ShipmentReport = Static<typeof ShipmentReport>;
export type ShipmentReportLine = Static<typeof ShipmentReportLine>;

/** A shipment report that cannot be turned into the platform's payload; `errors` point into the report. */
export class ShipmentReportError extends Error {
  readonly errors: ConnectorProblem[];
  constructor(connector: ConnectorId, errors: ConnectorProblem[]) {
    super(
      `${connector}: shipment report cannot be sent: ` +
        errors.map((e) => `${e.pointer} ${e.detail}`).join('; '),
    );
    this.name = 'ShipmentReportError';
    this.errors = errors;
  }
}

/** One sales platform: turns its order payloads into OrderGrid orders and our shipments into its payloads. */
export interface ChannelConnector {
  id: ConnectorId;
  /** The OrderGrid channel its orders are captured under. */
  channel: string;
  /** Required fields checked; unknown fields allowed, as the platforms add fields over time. */
  inboundSchema: TSchema;
  /** Never throws: any input that is not a usable order gives `ok: false`. Nothing is created. */
  normaliseOrder(payload: unknown, options?: NormaliseOptions): NormaliseResult;
  /** The request body the platform expects for a shipment; throws ShipmentReportError when it cannot be built. */
  shipmentPayload(report: ShipmentReport, options?: ShipmentOptions): unknown;
}
