import { AmazonOrderPayload, normaliseAmazonOrder } from './amazon-inbound.ts';
import { amazonConfirmShipmentPayload } from './amazon-outbound.ts';
import type { ChannelConnector, ConnectorId } from './connector-types.ts';
import { EbayOrderPayload, normaliseEbayOrder } from './ebay-inbound.ts';
import { ebayShippingFulfillmentPayload } from './ebay-outbound.ts';
import { normaliseShopifyOrder, ShopifyOrderPayload } from './shopify-inbound.ts';
import { shopifyFulfillmentPayload } from './shopify-outbound.ts';

export const shopifyConnector: ChannelConnector = {
  id: 'shopify',
  // Shopify storefront orders are our own web shop, not a marketplace.
  channel: 'web',
  inboundSchema: ShopifyOrderPayload,
  normaliseOrder: normaliseShopifyOrder,
  shipmentPayload: (report) => shopifyFulfillmentPayload(report),
};

export const amazonConnector: ChannelConnector = {
  id: 'amazon',
  channel: 'marketplace:amazon',
  inboundSchema: AmazonOrderPayload,
  normaliseOrder: (payload) => normaliseAmazonOrder(payload),
  shipmentPayload: amazonConfirmShipmentPayload,
};

export const ebayConnector: ChannelConnector = {
  id: 'ebay',
  channel: 'marketplace:ebay',
  inboundSchema: EbayOrderPayload,
  normaliseOrder: normaliseEbayOrder,
  shipmentPayload: (report) => ebayShippingFulfillmentPayload(report),
};

export type ConnectorRegistry = ReadonlyMap<ConnectorId, ChannelConnector>;

/** Builds a registry from connectors; ids must be distinct. */
export function createConnectorRegistry(list: readonly ChannelConnector[]): ConnectorRegistry {
  const registry = new Map<ConnectorId, ChannelConnector>();
  for (const connector of list) {
    if (registry.has(connector.id)) throw new Error(`connector "${connector.id}" is registered twice`);
    registry.set(connector.id, connector);
  }
  return registry;
}

/** The connectors OrderGrid ships with: the one place they are wired. */
export const defaultConnectors: ConnectorRegistry = createConnectorRegistry([
  shopifyConnector,
  amazonConnector,
  ebayConnector,
]);

/** The connector for a platform named in a URL or config; undefined for an unknown name. */
export function findConnector(id: string, registry: ConnectorRegistry = defaultConnectors) {
  return registry.get(id as ConnectorId);
}
