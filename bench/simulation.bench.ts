import { loadavg } from 'node:os';
import { retailScenario, runSimulation } from '../src/simulation/index.ts';
import { type BenchContext, median } from './harness/bench-context.ts';

/**
 * What-if simulator throughput on one core: the generated retail scenario (200 nodes: 5 DCs and
 * 195 stores in real cities, 500 skus, population-weighted destinations, Zipf-like skus, a peak
 * day) replayed with the default policy. Wall-clock and process CPU time are both reported: on
 * a shared machine the CPU figure is the one-core rate. Options: --orders N (default 300000),
 * --runs N (default 3), --nodes N (default 200), --no-fast-path.
 */
export default async function simulationBench(ctx: BenchContext): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = ctx.args.indexOf(`--${name}`);
    return i >= 0 ? Number(ctx.args[i + 1]) : fallback;
  };
  const orders = arg('orders', 300_000);
  const runs = arg('runs', 3);
  const nodes = arg('nodes', 200);
  const fastPath = !ctx.args.includes('--no-fast-path');
  const scenario = retailScenario({ orders, days: 28, nodes, skus: 500, seed: 42 });
  const policy = [{ name: 'default', policy: { id: 'default', version: 1 } }];
  ctx.log(`retail scenario: ${nodes} nodes, 500 skus, ${orders} orders over 28 days; ${runs} runs`);
  // Wall-clock rates on a shared machine are floors: the load says how much of a core the run had.
  ctx.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  // Warm-up: the JIT compiles the hot paths before anything is timed.
  await runSimulation(retailScenario({ orders: 20_000, days: 2, nodes, skus: 500, seed: 1 }), policy, {
    fastPath,
  });

  let generated = 0;
  const c0 = process.cpuUsage();
  for (const _ of scenario.orders()) generated++;
  const cGen = process.cpuUsage(c0);
  ctx.report(
    'generate_orders_per_cpu_s',
    Math.round(generated / ((cGen.user + cGen.system) / 1e6)),
    'orders/s',
    'order stream alone',
  );

  const wall: number[] = [];
  const cpu: number[] = [];
  let fast = 0;
  let cost = 0;
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage();
    const { report, stats } = await runSimulation(scenario, policy, { fastPath });
    const used = process.cpuUsage(before);
    wall.push(stats.ordersPerSecond);
    cpu.push(orders / ((used.user + used.system) / 1e6));
    fast = stats.fastPathShare.default ?? 0;
    cost = report.policies[0]!.metrics.costPerOrder;
    ctx.log(
      `run ${r + 1}: ${Math.round(stats.ordersPerSecond)} orders/s wall, ${Math.round(cpu.at(-1)!)} per CPU-second`,
    );
  }
  ctx.report(
    'orders_per_s',
    Math.round(median(wall)),
    'orders/s',
    'wall clock, default policy; target >= 100000',
  );
  ctx.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  ctx.report('orders_per_cpu_s', Math.round(median(cpu)), 'orders/s', 'process CPU time (one thread)');
  ctx.report('fast_path_share', fast, 'share', 'orders settled on the pruned per-cell network');
  ctx.report('cost_per_order', cost, 'money');
}
