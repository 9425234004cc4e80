/**
 * Event type filters of a webhook subscription: `*` (everything), `family.*` (e.g. `order.*`) or
 * an exact type (`order.created`). The family (the part before the first dot) must be one that
 * OrderGrid emits, so a typo (`ordr.*`) is refused instead of silently matching nothing.
 */
export const EVENT_FAMILIES = [
  'api-key',
  'channel',
  'channel-availability',
  'fulfilment',
  'fulfilment-order',
  'incoming-supply',
  'inventory',
  'item',
  'node',
  'order',
  'order-line',
  'policy',
  'refund',
  'reservation',
  'return',
  'safety-stock',
  'shipment',
  'webhook',
] as const;

const FAMILIES: ReadonlySet<string> = new Set(EVENT_FAMILIES);
const SHAPE = /^(\*|[a-z][a-z0-9-]*\.(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*))$/;

/** Why a filter is not valid, or undefined when it is. */
export function filterProblem(filter: string): string | undefined {
  if (!SHAPE.test(filter)) return 'must be "*", "family.*" or an event type such as "order.created"';
  if (filter === '*') return undefined;
  const family = filter.slice(0, filter.indexOf('.'));
  if (!FAMILIES.has(family)) return `unknown event family "${family}"; known: ${EVENT_FAMILIES.join(', ')}`;
  return undefined;
}

/** Whether an event type matches any of the filters. */
export function matchesFilters(filters: readonly string[], eventType: string): boolean {
  for (const f of filters) {
    if (f === '*' || f === eventType) return true;
    if (f.endsWith('.*') && eventType.startsWith(f.slice(0, -1))) return true;
  }
  return false;
}
