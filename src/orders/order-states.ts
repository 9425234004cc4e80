/**
 * The order state machine. An order's status is a summary of where its units are (pending,
 * in fulfilment orders by state, cancelled), derived by `deriveOrderStatus` after every change and
 * moved only along `ORDER_TRANSITIONS` (a move outside the table is a bug and fails the
 * transaction). Customer and staff actions are checked against `ORDER_ACTIONS` first: an action
 * from a state that does not allow it is a 409 `illegal-transition` / `order-not-changeable`.
 */
export const ORDER_STATUSES = [
  'created',
  'backordered',
  'routed',
  'released',
  'ready-for-pickup',
  'partially-shipped',
  'shipped',
  'delivered',
  'picked-up',
  'cancelled',
  'partially-returned',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Before any unit left a node: the order may still be changed or cancelled as a whole. */
const OPEN: readonly OrderStatus[] = ['created', 'backordered', 'routed', 'released', 'ready-for-pickup'];

function openTargets(from: OrderStatus): OrderStatus[] {
  const next: OrderStatus[] = [
    ...OPEN.filter((s) => s !== from && s !== 'created'),
    'partially-shipped',
    'shipped',
    'delivered',
    'picked-up',
    'cancelled',
  ];
  return next;
}

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: openTargets('created'),
  backordered: openTargets('backordered'),
  routed: openTargets('routed'),
  released: openTargets('released'),
  'ready-for-pickup': openTargets('ready-for-pickup'),
  // Once units left, the rest can still ship, be picked up, or be cancelled (the order then
  // ends as shipped / delivered for what went out).
  'partially-shipped': ['shipped', 'delivered', 'picked-up', 'ready-for-pickup'],
  // Ship-to-store: shipped to the store, then ready there.
  shipped: ['delivered', 'ready-for-pickup', 'picked-up'],
  // Returns (src/returns): some of the units bought came back, then all of them.
  delivered: ['partially-returned', 'returned'],
  'picked-up': ['partially-returned', 'returned'],
  'partially-returned': ['returned'],
  cancelled: [],
  returned: [],
};

export function canMoveOrder(from: OrderStatus, to: OrderStatus): boolean {
  return from === to || ORDER_TRANSITIONS[from].includes(to);
}

/** What customers and staff may do, by the states that allow it. */
export const ORDER_ACTIONS = {
  /** Cancel the whole order or some lines: only units not yet shipped are cancelled. */
  cancel: ['created', 'backordered', 'routed', 'released', 'ready-for-pickup', 'partially-shipped'],
  /** Address or quantity changes: only before release to a node. */
  change: ['created', 'backordered', 'routed'],
  /** Place or lift a hold. */
  hold: ['created', 'backordered', 'routed', 'released'],
} as const satisfies Record<string, readonly OrderStatus[]>;
export type OrderAction = keyof typeof ORDER_ACTIONS;

export function orderActionAllowed(action: OrderAction, status: OrderStatus): boolean {
  return (ORDER_ACTIONS[action] as readonly OrderStatus[]).includes(status);
}

/** Where an order's units are; every unit of every line is in exactly one bucket. */
export interface UnitCounts {
  ordered: number;
  cancelled: number;
  /** Not in any live fulfilment order: waiting for routing or stock. */
  pending: number;
  /** In fulfilment orders not yet released (a hold). */
  created: number;
  /** Released to nodes, not yet shipped or ready (released, accepted, picking, packed). */
  released: number;
  ready: number;
  /** Shipped, not yet delivered. */
  shipped: number;
  delivered: number;
  pickedUp: number;
}

export function emptyCounts(): UnitCounts {
  return {
    ordered: 0,
    cancelled: 0,
    pending: 0,
    created: 0,
    released: 0,
    ready: 0,
    shipped: 0,
    delivered: 0,
    pickedUp: 0,
  };
}

/**
 * The status an order's units add up to. `attempted` tells whether routing was tried: pending
 * units of an order never routed are `created`, afterwards `backordered`.
 */
export function deriveOrderStatus(c: UnitCounts, attempted: boolean): OrderStatus {
  const active = c.ordered - c.cancelled;
  if (active <= 0) return 'cancelled';
  const gone = c.shipped + c.delivered + c.pickedUp;
  if (gone === active) {
    if (c.pickedUp === active) return 'picked-up';
    if (c.delivered + c.pickedUp === active) return 'delivered';
    return 'shipped';
  }
  if (gone > 0) return c.ready > 0 && c.ready + gone === active ? 'ready-for-pickup' : 'partially-shipped';
  if (c.ready > 0 && c.ready === active) return 'ready-for-pickup';
  if (c.released + c.ready > 0) return 'released';
  if (c.created > 0) return 'routed';
  if (c.pending > 0) return attempted ? 'backordered' : 'created';
  return 'created';
}

/** Event type for an order entering a status. */
export function orderEventType(status: OrderStatus): string {
  return `order.${status}`;
}

export const SERVICE_LEVEL_PRIORITY: Readonly<Record<string, number>> = {
  'next-day': 0,
  express: 1,
  standard: 2,
};
