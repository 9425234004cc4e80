import type { AvailabilityService } from '../inventory/availability-service.ts';
import { resolveDestination } from '../network/destination-resolver.ts';
import { haversineMiles } from '../network/haversine.ts';
import { AppError } from '../platform/errors/app-error.ts';
import {
  type RouteOrderInput,
  type RoutingDecision,
  type RoutingNetwork,
  routeOrder,
} from '../routing/index.ts';
import { dayAt, instantAt, plusDays } from './options-dates.ts';
import type {
  DeliveryOption,
  FulfilmentOptions,
  FulfilmentOptionsInput,
  PickupOption,
} from './options-schema.ts';
import { shipmentMoney } from './policy-comparison.ts';
import { EXPEDITED_RATES, GROUND_RATES } from './rate-cards.ts';
import type { RoutingContext } from './routing-context.ts';
import type { LiveNetwork } from './routing-network-source.ts';

/** A store's pick time for click & collect, and the local time it opens (no opening hours are modelled). */
export const PICKUP_PICK_MINUTES = 120;
export const STORE_OPENS_MINUTE = 10 * 60;
const DEFAULT_RADIUS_MILES = 50;
const DEFAULT_PICKUP_LIMIT = 3;
const ROUTE_OPTIONS = { explain: false, timeBudgetMs: 20 } as const;

/** The same order view priced on another rate card (the bands are the only difference). */
function onRates(view: RoutingNetwork, card: RoutingNetwork): RoutingNetwork {
  return {
    ...view,
    definition: { ...view.definition, rates: card.rates },
    rates: card.rates,
    bandMaxMiles: card.bandMaxMiles,
    bandBase: card.bandBase,
    bandPerLb: card.bandPerLb,
    bandDays: card.bandDays,
  };
}

function maxDays(d: RoutingDecision): number {
  let m = 0;
  for (const s of d.plan.shipments) if (s.days > m) m = s.days;
  return m;
}

function unfilled(d: RoutingDecision): number {
  let u = 0;
  for (const l of d.plan.unfilled) u += l.quantity;
  return u;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Promise before purchase: for a cart and a destination, without reserving anything, the delivery
 * options (cheapest and fastest, with dates) and the nearest stores that can hand over the whole
 * cart. Everything is read from memory — the routing context's compiled network and the
 * availability index — so a call does no I/O once the network is loaded.
 */
export class FulfilmentOptionsService {
  constructor(
    private readonly routing: RoutingContext,
    private readonly availability: AvailabilityService,
  ) {}

  async options(input: FulfilmentOptionsInput): Promise<FulfilmentOptions> {
    const at = input.at ? new Date(input.at) : new Date();
    const channel = input.channel ?? 'web';
    const destination = resolveDestination(input.destination);
    if (!destination.ok) {
      throw new AppError('destination-unresolvable', destination.message, {
        errors: [{ pointer: `/destination${destination.pointer}`, detail: destination.message, in: 'body' }],
      });
    }
    const index = this.availability;
    if (!index.started) {
      throw new AppError(
        'availability-unavailable',
        'Fulfilment options are served from the availability index, which is not started',
      );
    }
    if (!index.channel(channel)) {
      throw new AppError('channel-not-found', `Channel ${channel} does not exist`, {
        errors: [{ pointer: '/channel', detail: 'unknown channel', in: 'body' }],
      });
    }
    const live = await this.routing.network();
    const wanted = new Map<string, number>();
    input.lines.forEach((l, i) => {
      if (!live.weights.has(l.sku)) {
        throw new AppError('invalid-cart', `Line ${i} names sku ${l.sku}, which the catalog does not have`, {
          errors: [{ pointer: `/lines/${i}/sku`, detail: 'no such item', in: 'body' }],
        });
      }
      wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
    });
    // The channel's buffer and cap apply to what it may promise: no more than its network ATP.
    const lines = [...wanted].map(([sku, quantity]) => ({
      sku,
      quantity,
      available: index.networkAtp(sku, channel),
    }));
    const promisable = lines
      .map((l) => ({ sku: l.sku, quantity: Math.min(l.quantity, l.available) }))
      .filter((l) => l.quantity > 0);
    const short = lines
      .filter((l) => l.quantity > l.available)
      .map((l) => ({ sku: l.sku, quantity: l.quantity - l.available }));

    const base = {
      at: at.toISOString(),
      channel,
      destination: {
        lat: destination.lat,
        lon: destination.lon,
        source: destination.source,
        label: destination.label,
      },
      lines,
      indexStalenessMs: Math.round(Math.min(index.stalenessMs(), 2 ** 31 - 1)),
    };
    if (promisable.length === 0) return { ...base, delivery: { cheapest: null, fastest: null }, pickup: [] };

    const { input: ground } = await this.routing.inputFor(
      {
        id: 'fulfilment-options',
        channel,
        destination: { lat: destination.lat, lon: destination.lon },
        lines: promisable,
        fulfilment: 'ship',
        serviceLevel: 'standard',
        placedAt: at,
      },
      { now: at, relaxLatestDays: true },
    );
    const policy = ground.policy ?? this.routing.policy();
    const groundInput: RouteOrderInput = { ...ground, policy, options: ROUTE_OPTIONS };
    const cheapestDecision = routeOrder(groundInput);
    const cheapest = this.option(live, groundInput, cheapestDecision, 'standard', at, short);

    // Fastest: on the expedited card, the earliest bound on transit days that still places as many
    // units as no bound at all; the engine gives the cheapest plan within it. Each try reuses one
    // compiled policy, and a handful of tries cover every date a parcel network offers.
    const expedited = live.byRates.get(EXPEDITED_RATES)!;
    const fastNet = onRates(ground.network, expedited);
    const fastInput: RouteOrderInput = {
      ...groundInput,
      network: fastNet,
      stock: { ...ground.stock, network: fastNet },
    };
    let fastDecision = routeOrder(fastInput);
    const target = unfilled(fastDecision);
    for (let days = 1; days < maxDays(fastDecision); days++) {
      const bounded = routeOrder({ ...fastInput, order: { ...fastInput.order, latestDays: days } });
      if (bounded.plan.shipments.length > 0 && unfilled(bounded) <= target) {
        fastDecision = bounded;
        break;
      }
    }
    const fastDays = maxDays(fastDecision);
    let fastest = this.option(
      live,
      fastInput,
      fastDecision,
      fastDays <= 1 ? 'next-day' : 'express',
      at,
      short,
    );
    // Paying for speed that arrives no earlier (or serves fewer units) is no option: show the cheapest.
    if (
      cheapest &&
      (!fastest ||
        fastest.deliveryDate >= cheapest.deliveryDate ||
        unfilled(fastDecision) > unfilled(cheapestDecision))
    ) {
      fastest = cheapest;
    }

    const pickup = this.pickup(live, groundInput, input, destination, at);
    return { ...base, delivery: { cheapest, fastest }, pickup };
  }

  private option(
    live: LiveNetwork,
    input: RouteOrderInput,
    d: RoutingDecision,
    serviceLevel: DeliveryOption['serviceLevel'],
    at: Date,
    short: { sku: string; quantity: number }[],
  ): DeliveryOption | null {
    if (d.plan.shipments.length === 0) return null;
    const net = input.network;
    const processing = live.byRates.get(GROUND_RATES)!.extraDays;
    let cost = 0;
    let latest = '';
    const shipments = d.plan.shipments.map((s) => {
      const i = net.nodeIndex.get(s.node)!;
      const info = live.nodeInfo.get(s.node)!;
      // The view's extra days are the node's processing days plus one when past its cut-off.
      const leadDays = net.extraDays[i]!;
      const processingDays = processing[i]!;
      const today = dayAt(info.timezone, at);
      const shipDate = plusDays(today, leadDays);
      const deliveryDate = plusDays(today, s.days);
      const money = shipmentMoney(net, s);
      cost += money;
      if (deliveryDate > latest) latest = deliveryDate;
      return {
        node: s.node,
        lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        miles: round2(s.miles),
        cost: round2(money),
        cutoffMissed: leadDays > processingDays,
        processingDays,
        transitDays: s.days - leadDays,
        shipDate,
        deliveryDate,
      };
    });
    const left = new Map(short.map((l) => [l.sku, l.quantity]));
    for (const u of d.plan.unfilled) left.set(u.sku, (left.get(u.sku) ?? 0) + u.quantity);
    return {
      serviceLevel,
      complete: left.size === 0,
      packages: shipments.length,
      cost: round2(cost),
      deliveryDate: latest,
      shipments,
      unfilled: [...left].map(([sku, quantity]) => ({ sku, quantity })),
    };
  }

  /**
   * The nearest pickup stores within the radius that can hand over the whole cart: online, sold
   * from by the channel, holding the ATP, and accepted by the engine under the active policy
   * (exclusions, protected last units). Ready after the pick time, or at the next opening when
   * the order misses the store's cut-off or needs processing days.
   */
  private pickup(
    live: LiveNetwork,
    ground: RouteOrderInput,
    input: FulfilmentOptionsInput,
    destination: { lat: number; lon: number },
    at: Date,
  ): PickupOption[] {
    const limit = input.pickup?.limit ?? DEFAULT_PICKUP_LIMIT;
    if (limit === 0) return [];
    const radius = input.pickup?.radiusMiles ?? DEFAULT_RADIUS_MILES;
    const net = ground.network;
    const { available } = ground.stock;
    const lines = ground.order.lines;
    const K = net.skuCount;
    if (!this.coversCart(ground, input)) return [];
    const near: { i: number; miles: number }[] = [];
    for (let i = 0; i < net.nodeCount; i++) {
      if (!net.enabled[i] || !net.pickup[i]) continue;
      const miles = haversineMiles(destination, { lat: net.lat[i]!, lon: net.lon[i]! });
      if (miles > radius) continue;
      let enough = true;
      for (let k = 0; k < K && enough; k++) enough = available[i * K + k]! >= lines[k]!.quantity;
      if (enough) near.push({ i, miles });
    }
    near.sort((a, b) => a.miles - b.miles || (net.nodeIds[a.i]! < net.nodeIds[b.i]! ? -1 : 1));
    const out: PickupOption[] = [];
    for (const { i, miles } of near) {
      if (out.length >= limit) break;
      const id = net.nodeIds[i]!;
      const { latestDays: _late, ...order } = ground.order;
      const d = routeOrder({ ...ground, order: { ...order, pickupNode: id } });
      if (d.outcome !== 'complete') continue;
      const info = live.nodeInfo.get(id)!;
      const days = d.plan.shipments[0]?.days ?? 0;
      const readyAt =
        days === 0
          ? new Date(at.getTime() + PICKUP_PICK_MINUTES * 60_000)
          : instantAt(
              info.timezone,
              plusDays(dayAt(info.timezone, at), days),
              STORE_OPENS_MINUTE + PICKUP_PICK_MINUTES,
            );
      out.push({
        node: id,
        kind: info.kind,
        distanceMiles: round2(miles),
        timezone: info.timezone,
        readyAt: readyAt.toISOString(),
      });
    }
    return out;
  }

  /** Whether the units routed are the whole cart (the channel's ATP cut none of it). */
  private coversCart(ground: RouteOrderInput, input: FulfilmentOptionsInput): boolean {
    const total = input.lines.reduce((s, l) => s + l.quantity, 0);
    return ground.order.lines.reduce((s, l) => s + l.quantity, 0) === total;
  }
}
