import { EARTH_RADIUS_MILES } from '../../routing/geo-distance.ts';
import {
  compileNetwork,
  createStockSnapshot,
  type NetworkNode,
  type RoutingNetwork,
  type RoutingOrder,
  type RoutingPolicy,
  routeOrder,
  type StockSnapshot,
} from '../../routing/index.ts';
import { type FulfilmentInstance, PACKAGE_COST, UNIT_COST, UNIT_MILE_COST } from './instance-generator.ts';

const RAD = Math.PI / 180;
const LOST = 'LOST';
/** More units than any horizon can ask for: the dummy centre never runs out. */
const UNLIMITED = 1_000_000_000;

/** The point `miles` due south of (lat, lon) on the great circle (over the pole when needed). */
function pointAtDistance(lat: number, lon: number, miles: number): { lat: number; lon: number } {
  const d = miles / EARTH_RADIUS_MILES;
  const phi1 = lat * RAD;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) - Math.cos(phi1) * Math.sin(d));
  const dl = Math.atan2(0, Math.cos(d) - Math.sin(phi1) * Math.sin(phi2));
  let lon2 = lon + dl / RAD;
  if (lon2 > 180) lon2 -= 360;
  return { lat: phi2 / RAD, lon: lon2 };
}

/**
 * The benchmark in routing-problem terms, so the engine itself routes it: the linear rate model
 * (perPackage 8.759, perUnit 0.423, perUnitMile 0.000541), one compiled network per city holding
 * the real centres (handling 0) and that city's lost-sale centre. The lost-sale centre is placed
 * on the great circle at the distance that makes its linear price the published dummy cost:
 * handling 8.759 (so 2 x 8.759 per package) and 0.423 + 0.000541 m = 2 (0.423 + 0.000541 F_j).
 * All per-city snapshots share one stock array (node-major, centre k at index k, lost = K).
 */
export class EngineAdapter {
  readonly networks: RoutingNetwork[];
  private readonly snapshots: StockSnapshot[];
  readonly available: Int32Array;
  private readonly order: RoutingOrder;
  private readonly policy: RoutingPolicy = { id: 'paper-benchmark', version: 1, unfilledPenalty: 10_000 };
  private readonly skuIndex: Map<string, number>;
  private readonly nodeIndex: Map<string, number>;

  constructor(private readonly inst: FulfilmentInstance) {
    const K = inst.centreCount;
    const N = inst.params.items;
    const items = Array.from({ length: N }, (_, i) => ({ sku: `I${i}`, weight: 1 }));
    const rates = {
      model: 'linear' as const,
      perPackage: PACKAGE_COST,
      perUnit: UNIT_COST,
      perUnitMile: UNIT_MILE_COST,
      bands: [{ maxMiles: null, days: 1 }],
    };
    const centres: NetworkNode[] = inst.data.centres.map((c, k) => ({
      id: `C${k}`,
      kind: 'warehouse',
      lat: c.lat,
      lon: c.lon,
      handlingCost: 0,
    }));
    this.available = new Int32Array((K + 1) * N);
    this.networks = inst.data.cities.map((city, j) => {
      let farthest = 0;
      for (let k = 0; k < K; k++) farthest = Math.max(farthest, inst.miles[k * inst.cityCount + j]!);
      const dummyMiles = (2 * (UNIT_COST + UNIT_MILE_COST * farthest) - UNIT_COST) / UNIT_MILE_COST;
      const at = pointAtDistance(city.lat, city.lon, dummyMiles);
      const lost: NetworkNode = {
        id: LOST,
        kind: 'dropship',
        lat: at.lat,
        lon: at.lon,
        handlingCost: PACKAGE_COST,
      };
      return compileNetwork({ rates, nodes: [...centres, lost], items });
    });
    const first = createStockSnapshot(this.networks[0]!, []);
    this.snapshots = this.networks.map((network) => ({
      network,
      available: this.available,
      capacity: first.capacity,
    }));
    this.skuIndex = new Map(items.map((it, i) => [it.sku, i]));
    this.nodeIndex = new Map([...centres.map((c, k) => [c.id, k] as const), [LOST, K]]);
    this.order = { id: 'o', destination: { lat: 0, lon: 0 }, lines: [] };
    this.reset(inst.stock);
  }

  /** Sets the stock (item-major `stock[i * K + k]`, as in the instance) before a run. */
  reset(stock: Int32Array): void {
    const K = this.inst.centreCount;
    const N = this.inst.params.items;
    for (let k = 0; k <= K; k++)
      for (let i = 0; i < N; i++) this.available[k * N + i] = k === K ? UNLIMITED : stock[i * K + k]!;
  }

  /**
   * Routes one order with the engine (exact per-order optimum, any centre may serve any item),
   * commits it, and writes the centre chosen per item (K = lost) into `assignment`.
   */
  route(city: number, items: readonly number[], assignment: Int32Array): number {
    const c = this.inst.data.cities[city]!;
    const order = this.order;
    order.destination.lat = c.lat;
    order.destination.lon = c.lon;
    order.lines = items.map((i) => ({ sku: `I${i}`, quantity: 1 }));
    const network = this.networks[city]!;
    const d = routeOrder({
      network,
      stock: this.snapshots[city]!,
      order,
      policy: this.policy,
      options: { explain: false },
    });
    const N = this.inst.params.items;
    for (const sh of d.plan.shipments) {
      const k = this.nodeIndex.get(sh.node)!;
      for (const l of sh.lines) {
        const i = this.skuIndex.get(l.sku)!;
        assignment[items.indexOf(i)] = k;
        this.available[k * N + i] = this.available[k * N + i]! - l.quantity;
      }
    }
    return d.cost.total;
  }
}
