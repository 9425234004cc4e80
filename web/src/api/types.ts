// The parts of the API's responses the console reads (see /openapi.json for the whole shapes).

export type Role = 'admin' | 'integration' | 'associate' | 'viewer';
export type NodeStatus = 'online' | 'paused' | 'offline';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface NetworkNode {
  id: string;
  kind: 'warehouse' | 'store' | '3pl' | 'dropship';
  name: string;
  address: { city?: string; region?: string; postalCode?: string; country?: string };
  lat: number;
  lon: number;
  timezone: string;
  capabilities: string[];
  handlingCost: number;
  dailyCapacity: number | null;
  cutoffTime: string;
  processingDays: number;
  status: NodeStatus;
  tags: string[];
  priorityGroup: string | null;
  version: number;
}

export interface Item {
  sku: string;
  name: string;
  weight: number;
  sizeClass: string;
  active: boolean;
}

export interface Position {
  nodeId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  atp: number;
  updatedAt: string;
}

export interface Incoming {
  id: string;
  kind: string;
  quantity: number;
  expectedOn: string;
  reference: string | null;
  status: string;
}

export interface PositionDetail extends Position {
  incoming: Incoming[];
}

export interface Movement {
  id: number;
  kind: string;
  onHandDelta: number;
  reservedDelta: number;
  reason: string | null;
  actor: string | null;
  occurredAt: string;
}

export interface Channel {
  id: string;
  name: string;
  buffer: { units: number; percent: number };
  cap: number | null;
  allowedNodes: { kinds: string[] | null; tags: string[] | null; include: string[]; exclude: string[] };
  active: boolean;
}

export type FoStatus =
  | 'created'
  | 'released'
  | 'accepted'
  | 'picking'
  | 'packed'
  | 'shipped'
  | 'delivered'
  | 'ready-for-pickup'
  | 'picked-up'
  | 'rejected'
  | 'withdrawn'
  | 'cancelled';

export interface FulfilmentOrder {
  id: string;
  orderId: string;
  seq: number;
  nodeId: string;
  kind: 'shipment' | 'pickup' | 'ship-to-store';
  status: FoStatus;
  acceptBy: string | null;
  releasedAt: string | null;
  shippedAt: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  promisedDate: string | null;
  days: number;
  miles: number;
  reason: string | null;
  lines: { orderLineId: string; sku: string; quantity: number; short: number }[];
  createdAt: string;
}

export interface OrderSummary {
  id: string;
  channel: string;
  externalId: string;
  status: string;
  statusReason: string | null;
  fulfilment: string;
  serviceLevel: string;
  holds: string[];
  createdAt: string;
}

export interface OrderLine {
  id: string;
  lineNo: number;
  sku: string;
  quantity: number;
  price: number;
  status: string;
  quantities: Record<string, number>;
}

export interface Order extends OrderSummary {
  customer: Record<string, unknown>;
  destination: { lat: number; lon: number; label: string };
  pickupNode: string | null;
  currency: string;
  placedAt: string;
  promisedDate: string | null;
  lines: OrderLine[];
  fulfilmentOrders: FulfilmentOrder[];
  decision: {
    trigger: string;
    outcome: string;
    strategy: string;
    cost: number | null;
    nodes: string[];
  } | null;
}

export interface CostBreakdown {
  total: number;
  parcel?: number;
  handling?: number;
  time?: number;
  penalty?: number;
  co2e?: number;
}

export interface PlanShipment {
  node: string;
  days: number;
  miles: number;
  pickup?: boolean;
  weightLb?: number;
  cost: CostBreakdown;
  lines: { sku: string; quantity: number }[];
}

export interface Explanation {
  policy?: { id: string; version: number };
  tier?: { index: number; name: string };
  chosen: CostBreakdown;
  candidates: { node: string; days: number; miles: number; packageCost: number; unitsAvailable: number }[];
  eliminated: { node: string; reason: string }[];
  alternatives: { nodes: string[]; cost: number; delta: number; unfilledUnits: number }[];
}

export interface Decision {
  id: string;
  trigger: string;
  outcome: string;
  strategy: string;
  plan: { shipments?: PlanShipment[]; unfilled?: { sku: string; quantity: number }[] } | null;
  cost: CostBreakdown | null;
  explanation: { explanation?: Explanation; issues?: unknown[] } | null;
  excludedNodes: string[];
  policy: { id: string; version: number } | null;
  createdAt: string;
}

export interface OutboxEvent {
  id: string;
  position: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  actor: string | null;
  occurredAt: string;
}

export interface ActionResult {
  fulfilmentOrder: FulfilmentOrder;
  orderStatus: string;
  rerouted: { allocatedUnits: number; pendingUnits: number; fulfilmentOrders: string[] } | null;
}

export interface PolicyVersion {
  id: string;
  version: number;
  status: 'draft' | 'active' | 'retired';
  document: Record<string, unknown>;
  createdBy: string;
  updatedAt: string;
  activatedAt: string | null;
}

export interface Policy {
  id: string;
  active: PolicyVersion | null;
  drafts: PolicyVersion[];
  versions: number;
}

export interface TrialMetrics {
  orders: number;
  costPerOrder: number;
  packagesPerOrder: number;
  splitRate: number;
  meanTransitDays: number;
  unfilledUnits: number;
  completeRate: number;
}

export interface TryResult {
  policyId: string;
  draftVersion: number;
  activeVersion: number | null;
  sample: { requested: number; routed: number; from: string | null; to: string | null };
  active: TrialMetrics;
  draft: TrialMetrics;
  difference: Omit<TrialMetrics, 'orders'> & { ordersChanged: number };
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  nodeIds: string[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Webhook {
  id: string;
  url: string;
  eventTypes: string[];
  description?: string | null;
  active: boolean;
  disabledReason: string | null;
  cursor: number;
}
