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
  unauthenticated: { status: 401, title: 'A valid API key is required' },
  forbidden: { status: 403, title: 'The API key may not do this' },
  'node-forbidden': { status: 403, title: 'The API key is not bound to this node' },
  'route-not-found': { status: 404, title: 'No such route' },
  'node-not-found': { status: 404, title: 'No such node' },
  'item-not-found': { status: 404, title: 'No such item' },
  'key-not-found': { status: 404, title: 'No such API key' },
  'node-in-use': { status: 409, title: 'The node still holds stock or work' },
  'item-in-use': { status: 409, title: 'The item is still stocked or ordered' },
  'invalid-cursor': { status: 400, title: 'The pagination cursor is not valid' },
  'destination-unresolvable': { status: 422, title: 'The destination could not be located' },
  'invalid-node': { status: 422, title: 'The node is not valid' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'database-unavailable': { status: 503, title: 'The database is unavailable; retry shortly' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCodes;
