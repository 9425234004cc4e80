import { loadBenchmarkData } from '../src/simulation/fulfillment-benchmark/dataset-loader.ts';
import { LARGE_PARAMS, WARMUP_PARAMS } from '../src/simulation/fulfillment-benchmark/instance-generator.ts';
import {
  PUBLISHED_SCORES,
  runPaperExperiment,
} from '../src/simulation/fulfillment-benchmark/paper-experiment.ts';
import type { BenchContext } from './harness/bench-context.ts';

/**
 * The multi-item fulfilment experiments of Jasin & Sinha (2015) and Ma (2023): per policy, the
 * mean over instances of (mean cost over arrival sequences / fluid LP bound) — `paper_ratio` —
 * beside the published scores. Options: --instances N (30), --sequences N (3), --horizon T
 * (10000), --resolves N (10), --seed S (1), --size warmup|large.
 */
export default async function fulfillmentPaperBench(ctx: BenchContext): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = ctx.args.indexOf(`--${name}`);
    return i >= 0 ? Number(ctx.args[i + 1]) : fallback;
  };
  const large = ctx.args.includes('large');
  const base = large ? LARGE_PARAMS : WARMUP_PARAMS;
  const params = { ...base, horizon: arg('horizon', base.horizon) };
  const instances = arg('instances', 30);
  const sequences = arg('sequences', 3);
  ctx.log(
    `${large ? 'large' : 'warm-up'} size, T = ${params.horizon}, ${instances} instances x ${sequences} sequences`,
  );
  const started = performance.now();
  const result = await runPaperExperiment(loadBenchmarkData(large ? 'large' : 'warmup'), {
    instances,
    sequences,
    seed: arg('seed', 1),
    params,
    resolves: arg('resolves', 10),
    onInstance: (done, total) => ctx.log(`instance ${done}/${total}`),
  });
  for (const [policy, ratio] of Object.entries(result.paperRatio)) {
    ctx.report(
      `paper_ratio_${policy}`,
      ratio,
      'cost/LP',
      policy === 'dual-price-resolving' ? 'target <= 1.07' : '',
    );
  }
  ctx.report(
    'paper_ratio',
    result.paperRatio['dual-price-resolving'] ?? Number.NaN,
    'cost/LP',
    'best of ours (dual-price-resolving); best published 1.078',
  );
  for (const p of PUBLISHED_SCORES)
    ctx.report(
      `published_${p.policy.replace(/\W+/g, '_').toLowerCase()}`,
      p.score,
      'cost/LP',
      'reference, warm-up size',
    );
  ctx.report('seconds', (performance.now() - started) / 1000, 's');
}
