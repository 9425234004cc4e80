/**
 * The fulfilment order state machine as data. A fulfilment order (FO) is the part of an order
 * released to one node: a shipment (or a ship-to-store transfer) or a pickup task.
 *
 *   created ──release──▶ released ──accept──▶ accepted ──pick──▶ picking ──pack──▶ packed
 *   packed ──ship──▶ shipped ──deliver──▶ delivered                      (shipment, ship-to-store)
 *   packed ──ready-for-pickup──▶ ready-for-pickup ──hand-over──▶ picked-up       (pickup)
 *   shipped ──ready-for-pickup──▶ ready-for-pickup                          (ship-to-store)
 *   released/accepted/picking/packed ──reject──▶ rejected       (the node cannot do it)
 *   created/released/accepted/picking/packed ──withdraw──▶ withdrawn
 *                                              (SLA expiry, node offline, address change)
 *   created/released/accepted/picking/packed/ready-for-pickup ──cancel──▶ cancelled
 */
export const FO_STATUSES = [
  'created',
  'released',
  'accepted',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'ready-for-pickup',
  'picked-up',
  'rejected',
  'withdrawn',
  'cancelled',
] as const;
export type FoStatus = (typeof FO_STATUSES)[number];

export const FO_KINDS = ['shipment', 'pickup', 'ship-to-store'] as const;
export type FoKind = (typeof FO_KINDS)[number];

export const FO_ACTIONS = [
  'release',
  'accept',
  'pick',
  'pack',
  'ship',
  'deliver',
  'ready-for-pickup',
  'hand-over',
  'reject',
  'withdraw',
  'cancel',
] as const;
export type FoAction = (typeof FO_ACTIONS)[number];

interface Transition {
  from: readonly FoStatus[];
  to: FoStatus;
  /** Kinds the action applies to. */
  kinds: readonly FoKind[];
}

const ALL_KINDS = FO_KINDS;
const NOT_SHIPPED: readonly FoStatus[] = ['released', 'accepted', 'picking', 'packed'];

export const FO_TRANSITIONS: Readonly<Record<FoAction, Transition>> = {
  release: { from: ['created'], to: 'released', kinds: ALL_KINDS },
  accept: { from: ['released'], to: 'accepted', kinds: ALL_KINDS },
  pick: { from: ['accepted'], to: 'picking', kinds: ALL_KINDS },
  // Packing straight from accepted is allowed: small stores pick and pack in one go.
  pack: { from: ['accepted', 'picking'], to: 'packed', kinds: ALL_KINDS },
  ship: { from: ['packed'], to: 'shipped', kinds: ['shipment', 'ship-to-store'] },
  deliver: { from: ['shipped'], to: 'delivered', kinds: ['shipment'] },
  'ready-for-pickup': {
    from: ['packed', 'shipped'],
    to: 'ready-for-pickup',
    kinds: ['pickup', 'ship-to-store'],
  },
  'hand-over': { from: ['ready-for-pickup'], to: 'picked-up', kinds: ['pickup', 'ship-to-store'] },
  reject: { from: NOT_SHIPPED, to: 'rejected', kinds: ALL_KINDS },
  withdraw: { from: ['created', ...NOT_SHIPPED], to: 'withdrawn', kinds: ALL_KINDS },
  cancel: { from: ['created', ...NOT_SHIPPED, 'ready-for-pickup'], to: 'cancelled', kinds: ALL_KINDS },
};

/** States whose units are still held for the customer and not yet shipped (reservations open). */
export const FO_OPEN: readonly FoStatus[] = [
  'created',
  'released',
  'accepted',
  'picking',
  'packed',
  'ready-for-pickup',
];
/** States that ended without the units reaching the customer: their units were routed again or cancelled. */
export const FO_DROPPED: readonly FoStatus[] = ['rejected', 'withdrawn', 'cancelled'];
/** States after the units left the node (or were handed over). */
export const FO_DONE: readonly FoStatus[] = ['shipped', 'delivered', 'picked-up'];

export function isFoStatus(s: string): s is FoStatus {
  return (FO_STATUSES as readonly string[]).includes(s);
}

/** Allowed source states of an action for a kind; empty when the action never applies to it. */
export function allowedFrom(action: FoAction, kind: FoKind): readonly FoStatus[] {
  const t = FO_TRANSITIONS[action];
  if (!t.kinds.includes(kind)) return [];
  // A ship-to-store FO is ready for pickup only once it arrived at the store (after shipping);
  // a pickup FO right after packing.
  if (action === 'ready-for-pickup') return kind === 'pickup' ? ['packed'] : ['shipped'];
  return t.from;
}

export type TransitionCheck = { ok: true; to: FoStatus } | { ok: false; allowed: readonly FoStatus[] };

export function checkFoTransition(kind: FoKind, from: FoStatus, action: FoAction): TransitionCheck {
  const allowed = allowedFrom(action, kind);
  return allowed.includes(from) ? { ok: true, to: FO_TRANSITIONS[action].to } : { ok: false, allowed };
}

/** Event type of a transition (`fulfilment-order.accepted`...). */
export function foEventType(to: FoStatus): string {
  return `fulfilment-order.${to}`;
}
