import type { BenchmarkData } from './benchmark-data.ts';
import { BENCHMARK_POLICIES, type BenchmarkPolicyName, runBenchmarkPolicy } from './benchmark-policies.ts';
import { FluidLp } from './fluid-lp.ts';
import { arrivalSequence, generateInstance, type InstanceParams } from './instance-generator.ts';

/** Published scores on the warm-up size (cost / LP bound), printed beside ours. */
export const PUBLISHED_SCORES: readonly { policy: string; score: number }[] = [
  { policy: 'myopic (published)', score: 1.13 },
  { policy: 'independent randomised rounding', score: 1.14 },
  { policy: 'Jasin & Sinha correlated rounding', score: 1.087 },
  { policy: "Ma's dilated rounding (best published)", score: 1.078 },
];

export interface ExperimentOptions {
  instances: number;
  sequences: number;
  seed: number;
  params: InstanceParams;
  policies?: readonly BenchmarkPolicyName[];
  resolves?: number;
  onInstance?: (done: number, total: number) => void;
}

export interface InstanceResult {
  instance: number;
  lpBound: number;
  /** Mean cost over the sequences, per policy. */
  meanCost: Record<string, number>;
  /** Smallest single-sequence cost per policy (for the bound check). */
  minCost: Record<string, number>;
}

export interface ExperimentResult {
  /** Mean over instances of (policy mean cost / LP bound): the published score. */
  paperRatio: Record<string, number>;
  instances: InstanceResult[];
  options: Omit<ExperimentOptions, 'onInstance'>;
}

/** Runs the published experiment: for each instance, the LP bound and each policy's mean cost. */
export async function runPaperExperiment(
  data: BenchmarkData,
  opts: ExperimentOptions,
): Promise<ExperimentResult> {
  const policies = opts.policies ?? BENCHMARK_POLICIES;
  const instances: InstanceResult[] = [];
  for (let n = 0; n < opts.instances; n++) {
    const inst = generateInstance(data, opts.params, opts.seed * 1_000_003 + n);
    const model = await FluidLp.create(inst);
    const lp = model.solve();
    const sums: Record<string, number> = {};
    const mins: Record<string, number> = {};
    for (let s = 0; s < opts.sequences; s++) {
      const arrivals = arrivalSequence(inst, (opts.seed * 1_000_003 + n) * 7919 + s + 1);
      for (const p of policies) {
        const cost = await runBenchmarkPolicy(inst, arrivals, p, {
          initialDuals: lp.dual,
          lp: model,
          ...(opts.resolves !== undefined ? { resolves: opts.resolves } : {}),
        });
        sums[p] = (sums[p] ?? 0) + cost;
        mins[p] = Math.min(mins[p] ?? Number.POSITIVE_INFINITY, cost);
      }
    }
    model.dispose();
    const meanCost: Record<string, number> = {};
    for (const p of policies) meanCost[p] = sums[p]! / opts.sequences;
    instances.push({ instance: n, lpBound: lp.bound, meanCost, minCost: mins });
    opts.onInstance?.(n + 1, opts.instances);
  }
  const paperRatio: Record<string, number> = {};
  for (const p of policies) {
    paperRatio[p] = instances.reduce((s, r) => s + r.meanCost[p]! / r.lpBound, 0) / instances.length;
  }
  const { onInstance: _, ...rest } = opts;
  return { paperRatio, instances, options: rest };
}
