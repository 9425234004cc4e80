/**
 * The one registry of error codes. A code is stable once published: clients branch on it.
 * Every code must be documented in docs/errors.md (a test enforces this).
 */
export interface ErrorSpec {
  status: number;
  title: string;
}

export const errorCodes = {
  'invalid-request': { status: 400, title: 'The request does not match the schema' },
  'malformed-body': { status: 400, title: 'The request body could not be parsed' },
  'unsupported-media-type': { status: 415, title: 'The request body has an unsupported content type' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'request-timeout': { status: 408, title: 'The request did not arrive in time' },
  'malformed-request': { status: 400, title: 'The HTTP request could not be parsed' },
  'uri-too-long': { status: 414, title: 'A path parameter is too long' },
  unauthenticated: { status: 401, title: 'A valid API key is required' },
  forbidden: { status: 403, title: 'The API key may not do this' },
  'node-forbidden': { status: 403, title: 'The API key is not bound to this node' },
  'route-not-found': { status: 404, title: 'No such route' },
  'node-not-found': { status: 404, title: 'No such node' },
  'item-not-found': { status: 404, title: 'No such item' },
  'key-not-found': { status: 404, title: 'No such API key' },
  'channel-not-found': { status: 404, title: 'No such channel' },
  'node-in-use': { status: 409, title: 'The node still holds stock or work' },
  'item-in-use': { status: 409, title: 'The item is still stocked or ordered' },
  'channel-in-use': { status: 409, title: 'The channel is still referenced' },
  'webhook-not-found': { status: 404, title: 'No such webhook subscription' },
  'invalid-webhook': { status: 422, title: 'The webhook subscription is not valid' },
  'secret-key-missing': { status: 503, title: 'No key to encrypt webhook secrets is configured' },
  'invalid-cursor': { status: 400, title: 'The pagination cursor is not valid' },
  'destination-unresolvable': { status: 422, title: 'The destination could not be located' },
  'invalid-node': { status: 422, title: 'The node is not valid' },
  'invalid-channel': { status: 422, title: 'The channel is not valid' },
  'invalid-feed-row': { status: 422, title: 'One or more rows of the inventory update are not valid' },
  'position-not-found': { status: 404, title: 'No such inventory position' },
  'reservation-not-found': { status: 404, title: 'No such reservation' },
  'reservation-not-open': { status: 409, title: 'The reservation is no longer open' },
  'reservation-quantity-exceeded': { status: 409, title: 'More units than the reservation holds' },
  'insufficient-on-hand': { status: 409, title: 'Not enough units on hand' },
  'idempotency-key-reused': { status: 409, title: 'The idempotency key was used for a different request' },
  'incoming-not-found': { status: 404, title: 'No such incoming supply' },
  'order-not-found': { status: 404, title: 'No such order' },
  'fulfilment-order-not-found': { status: 404, title: 'No such fulfilment order' },
  'illegal-transition': { status: 409, title: 'The transition is not allowed from the current state' },
  'order-not-changeable': { status: 409, title: 'The order can no longer be changed this way' },
  'invalid-order': { status: 422, title: 'The order is not valid' },
  'connector-not-found': { status: 404, title: 'No such channel connector' },
  'invalid-channel-payload': { status: 422, title: 'The channel payload is not a usable order' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'database-unavailable': { status: 503, title: 'The database is unavailable; retry shortly' },
  'availability-unavailable': { status: 503, title: 'The availability index is not ready' },
  'policy-not-found': { status: 404, title: 'No such routing policy or version' },
  'policy-draft-not-found': { status: 409, title: 'The policy has no draft' },
  'invalid-policy': { status: 422, title: 'The routing policy is not valid' },
  'invalid-cart': { status: 422, title: 'The cart names an item the catalog does not have' },
  'return-not-found': { status: 404, title: 'No such return' },
  'invalid-return': { status: 422, title: 'The return is not valid' },
  'return-quantity-exceeded': { status: 409, title: 'More units than can be returned' },
  'return-already-received': { status: 409, title: 'The return was already received' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCodes;
