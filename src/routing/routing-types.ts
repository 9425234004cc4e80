/**
 * Domain types of the routing engine: what goes in (network, stock, order, policy) and what
 * comes out (a routing decision with its plan, cost breakdown and explanation).
 */

export type NodeKind = 'warehouse' | 'store' | '3pl' | 'dropship';
export type FulfilmentType = 'ship' | 'pickup';

export interface ZoneBand {
  /** Upper distance of the band in miles; null marks the last, unbounded band. */
  maxMiles: number | null;
  base: number;
  perLb: number;
  days: number;
}

export interface LinearBand {
  maxMiles: number | null;
  days: number;
}

export interface ZoneRates {
  model: 'zone';
  bands: ZoneBand[];
}

export interface LinearRates {
  model: 'linear';
  perPackage: number;
  perUnit: number;
  perUnitMile: number;
  bands: LinearBand[];
}

export type RateCard = ZoneRates | LinearRates;

export interface NetworkNode {
  id: string;
  kind: NodeKind;
  lat: number;
  lon: number;
  /** Money per package sent from this node. */
  handlingCost: number;
  /** Days added to the transit of every package from this node (default 0). */
  extraDays?: number;
  /** Most packages this node may still send; null or absent = no limit. */
  capacity?: number | null;
  /** Default true; a disabled node serves nothing. */
  enabled?: boolean;
  /** Default ['ship']. */
  fulfils?: FulfilmentType[];
  /** Operational status, used only by policy exclusions (e.g. 'active', 'paused'). */
  status?: string;
  tags?: string[];
  region?: string;
  /** Fixed offset of the node's local time from UTC, for cut-off times. */
  utcOffsetMinutes?: number;
}

export interface Item {
  sku: string;
  /** Pounds per unit, > 0. */
  weight: number;
}

export interface NetworkDefinition {
  rates: RateCard;
  nodes: NetworkNode[];
  items: Item[];
}

export interface InventoryEntry {
  node: string;
  sku: string;
  available: number;
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface RoutingOrder {
  id: string;
  destination: { lat: number; lon: number };
  lines: OrderLine[];
  /** Click & collect at this node; no other node may serve the order. */
  pickupNode?: string;
  /** No package of the order may take more days than this. */
  latestDays?: number;
  /** Sales channel, for channel-specific exclusions (e.g. 'web', 'marketplace:acme'). */
  channel?: string;
  /** ISO-8601 time the order was placed, for node cut-off times. */
  placedAt?: string;
}

export interface ShipmentLine {
  sku: string;
  quantity: number;
}

/** Money of a plan or package by cause; `total` is the objective the engine minimises. */
export interface CostBreakdown {
  handling: number;
  parcel: number;
  /** dayCost (speed weight) times transit days. */
  time: number;
  penalty: number;
  co2e: number;
  total: number;
}

export interface PlannedShipment {
  node: string;
  lines: ShipmentLine[];
  /** True for a click & collect package (no parcel, no transit). */
  pickup: boolean;
  miles: number;
  days: number;
  weightLb: number;
  /** Estimated kg CO2e; 0 unless the policy has a co2e term. */
  co2eKg: number;
  cost: CostBreakdown;
}

export interface OrderPlan {
  order: string;
  shipments: PlannedShipment[];
  unfilled: ShipmentLine[];
}

export type RoutingStrategy = 'optimal' | 'priority-order' | 'most-stock' | 'nearest' | 'single-location';

/**
 * complete: every unit is planned; partial: some units are unfilled;
 * no-feasible-route: nothing can be shipped; invalid-order: the order refers to unknown skus
 * or nodes, or repeats a sku (see `issues`).
 */
export type RoutingOutcome = 'complete' | 'partial' | 'no-feasible-route' | 'invalid-order';

export interface SearchReport {
  /** True when the plan is proven cheapest (within 1e-9). */
  exact: boolean;
  /** Proven lower bound on the cost of any feasible plan for this order. */
  lowerBound: number;
  /** (cost - lowerBound) / cost, 0 when exact. */
  gap: number;
  budgetExhausted: boolean;
  /** Node sets whose cheapest assignment was solved exactly. */
  setsEvaluated: number;
  /** Branch-and-bound nodes visited (sets plus assignment branches). */
  searchNodes: number;
}

export type EliminationReason =
  | 'disabled'
  | 'does-not-ship'
  | 'not-the-pickup-node'
  | 'excluded-by-policy'
  | 'outside-priority-groups'
  | 'no-capacity'
  | 'no-stock'
  | 'too-slow';

export interface EliminatedNode {
  node: string;
  reason: EliminationReason;
  detail?: string;
}

export interface CandidateNode {
  node: string;
  miles: number;
  days: number;
  /** Objective cost of a package before any per-unit or per-pound part. */
  packageCost: number;
  /** Units of the order this node can supply. */
  unitsAvailable: number;
  /** Set when the split search skipped this node: another node is at least as good in every respect. */
  dominatedBy?: string;
}

export interface AlternativePlan {
  nodes: string[];
  cost: number;
  /** cost minus the chosen plan's cost. */
  delta: number;
  unfilledUnits: number;
}

export interface Explanation {
  policy?: { id: string; version: number };
  /** Index and name of the priority group tier that produced the plan, when groups are used. */
  tier?: { index: number; name: string };
  candidates: CandidateNode[];
  eliminated: EliminatedNode[];
  chosen: CostBreakdown;
  /** The cheapest other plans the search evaluated, cheapest first. */
  alternatives: AlternativePlan[];
}

export interface OrderIssue {
  pointer: string;
  message: string;
}

export interface RoutingDecision {
  orderId: string;
  outcome: RoutingOutcome;
  strategy: RoutingStrategy;
  plan: OrderPlan;
  cost: CostBreakdown;
  search: SearchReport;
  explanation?: Explanation;
  issues?: OrderIssue[];
}
