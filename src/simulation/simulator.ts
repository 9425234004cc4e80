import { compileNetwork, type RoutingNetwork } from '../routing/index.ts';
import type { PolicyMetrics, PolicySeries } from './metrics.ts';
import { PolicyRunner } from './policy-runner.ts';
import { DEFAULT_EMISSIONS, type PolicySpec, type Scenario, type SimulationOptions } from './sim-types.ts';

export interface PolicyReport {
  name: string;
  description?: string;
  mode: 'on-arrival' | 'batch';
  batchWindowMinutes?: number;
  metrics: PolicyMetrics;
  series: PolicySeries;
}

/** A batch policy against the same policy deciding each order on arrival. */
export interface BatchComparison {
  batch: string;
  onArrival: string;
  costPerOrderChange: number;
  /** Relative change of money per order (batch / on-arrival - 1). */
  costChangeShare: number;
  splitRateChange: number;
  packagesPerOrderChange: number;
  unfilledUnitsChange: number;
}

export interface SimulationReport {
  scenario: {
    name: string;
    nodes: number;
    skus: number;
    orders: number;
    days: number;
    capacityMode: 'hard' | 'soft';
    facts: Record<string, string | number>;
  };
  nodes: { id: string; kind: string; lat: number; lon: number }[];
  /** Orders per 1-degree destination cell (its centre), the same for every policy. */
  destinations: { lat: number; lon: number; orders: number }[];
  policies: PolicyReport[];
  comparisons: BatchComparison[];
}

/** What the run cost, kept out of the report so that the report depends only on the inputs. */
export interface SimulationStats {
  seconds: number;
  ordersPerSecond: number;
  /** Share of on-arrival decisions settled on the pruned per-cell network, per policy. */
  fastPathShare: Record<string, number | null>;
}

/**
 * Replays the scenario's orders through the routing engine for every policy side by side: each
 * policy keeps its own stock and capacity, all see the same orders at the same times. Days open
 * at midnight: batches still held are decided, capacity resets and stock is replenished. Pure
 * apart from the optional progress callback; async only because the batch mode is.
 */
export async function runSimulation(
  scenario: Scenario,
  policies: readonly PolicySpec[],
  options: SimulationOptions = {},
): Promise<{ report: SimulationReport; stats: SimulationStats }> {
  const started = performance.now();
  const names = new Set<string>();
  for (const p of policies) {
    if (names.has(p.name)) throw new RangeError(`two policies are named "${p.name}"`);
    names.add(p.name);
  }
  const network = compileNetwork(scenario.network);
  const emissions = options.emissions ?? DEFAULT_EMISSIONS;
  const runners = policies.map((spec) => new PolicyRunner(scenario, spec, network, options, emissions));
  const onArrival = runners.filter((r) => !r.isBatch);
  const batched = runners.filter((r) => r.isBatch);
  const replenish = replenishmentIndex(network, scenario);
  const every = Math.max(1, options.progressEvery ?? 1000);
  const density = new Float64Array(180 * 360);
  let day = 0;
  let done = 0;
  for (const order of scenario.orders()) {
    const d = Math.floor(order.minute / 1440);
    while (day < d) {
      for (const r of batched) await r.flush();
      day++;
      const topUp = replenish && day % scenario.replenishment!.everyDays === 0 ? replenish : null;
      for (const r of runners) r.startDay(day, topUp);
    }
    density[degreeCell(order.destination.lat, order.destination.lon)]! += 1;
    for (const r of onArrival) r.accept(order);
    for (const r of batched) {
      if (r.needsFlush(order)) await r.flush();
      r.hold(order);
    }
    done++;
    if (done % every === 0) options.onProgress?.(done, scenario.orderCount);
  }
  for (const r of batched) await r.flush();
  for (const r of runners) r.startDay(day + 1, null);
  options.onProgress?.(done, scenario.orderCount);

  const reports: PolicyReport[] = runners.map((r) => {
    const { metrics, series } = r.metrics.finish();
    return {
      name: r.spec.name,
      ...(r.spec.description ? { description: r.spec.description } : {}),
      mode: r.isBatch ? 'batch' : 'on-arrival',
      ...(r.spec.batch ? { batchWindowMinutes: r.spec.batch.windowMinutes } : {}),
      metrics,
      series,
    };
  });
  const seconds = (performance.now() - started) / 1000;
  const fastPathShare: Record<string, number | null> = {};
  for (const r of runners) {
    const s = r.fastPathStats;
    fastPathShare[r.spec.name] = s && s.fast + s.fallback > 0 ? s.fast / (s.fast + s.fallback) : null;
  }
  return {
    report: {
      scenario: {
        name: scenario.name,
        nodes: network.nodeCount,
        skus: network.skuCount,
        orders: done,
        days: scenario.days,
        capacityMode: options.capacityMode ?? 'hard',
        facts: scenario.facts,
      },
      nodes: scenario.network.nodes.map((n) => ({ id: n.id, kind: n.kind, lat: n.lat, lon: n.lon })),
      destinations: densityCells(density),
      policies: reports,
      comparisons: compareBatches(policies, reports),
    },
    stats: { seconds, ordersPerSecond: seconds > 0 ? done / seconds : 0, fastPathShare },
  };
}

/** Index of the 1-degree cell of a point (latitude -90..90 by longitude -180..180). */
function degreeCell(lat: number, lon: number): number {
  const y = Math.min(179, Math.max(0, Math.floor(lat) + 90));
  const x = Math.min(359, Math.max(0, Math.floor(lon) + 180));
  return y * 360 + x;
}

function densityCells(density: Float64Array): SimulationReport['destinations'] {
  const out: SimulationReport['destinations'] = [];
  for (let c = 0; c < density.length; c++) {
    if (density[c]! > 0)
      out.push({ lat: Math.floor(c / 360) - 90 + 0.5, lon: (c % 360) - 180 + 0.5, orders: density[c]! });
  }
  return out;
}

function replenishmentIndex(
  network: RoutingNetwork,
  scenario: Scenario,
): { index: Int32Array; level: Int32Array } | null {
  const r = scenario.replenishment;
  if (!r || r.levels.length === 0) return null;
  const index: number[] = [];
  const level: number[] = [];
  for (const e of r.levels) {
    const n = network.nodeIndex.get(e.node);
    const s = network.skuIndex.get(e.sku);
    if (n === undefined || s === undefined) continue;
    index.push(n * network.skuCount + s);
    level.push(e.available);
  }
  return { index: Int32Array.from(index), level: Int32Array.from(level) };
}

/** Each batch policy against the on-arrival policy with the same policy document. */
function compareBatches(specs: readonly PolicySpec[], reports: readonly PolicyReport[]): BatchComparison[] {
  const out: BatchComparison[] = [];
  specs.forEach((spec, i) => {
    if (!spec.batch) return;
    const j = specs.findIndex(
      (s) => !s.batch && s.policy === spec.policy && (s.strategy ?? 'optimal') === 'optimal',
    );
    if (j < 0) return;
    const b = reports[i]!.metrics;
    const a = reports[j]!.metrics;
    out.push({
      batch: spec.name,
      onArrival: specs[j]!.name,
      costPerOrderChange: b.costPerOrder - a.costPerOrder,
      costChangeShare: a.costPerOrder > 0 ? b.costPerOrder / a.costPerOrder - 1 : 0,
      splitRateChange: b.splitRate - a.splitRate,
      packagesPerOrderChange: b.packagesPerOrder - a.packagesPerOrder,
      unfilledUnitsChange: b.unfilledUnits - a.unfilledUnits,
    });
  });
  return out;
}
