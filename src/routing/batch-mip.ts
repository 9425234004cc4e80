import type { Highs } from 'highs';
import * as highsModule from 'highs';
import type { SearchProblem } from './search-problem.ts';

/**
 * Batch mode as one mixed-integer programme solved by HiGHS (WebAssembly, no native add-on).
 * For order o and candidate c: y = 1 when c sends o a package, x_k = units of line k, and for
 * zone prices z = billable pounds beyond the first (z >= weight - y, integer), so a package
 * costs fixed*y + step*z + sum_k mu_k*x_k, and u_k unfilled units cost the penalty. Shared
 * rows cap each node's stock per sku and its packages over all orders.
 */

export interface MipPlan {
  set: number[];
  qty: Int32Array;
}

export interface MipOutcome {
  status: 'optimal' | 'time-limit' | 'failed';
  /** Plans per order (null when the solver found no solution). */
  plans: MipPlan[] | null;
  objective: number;
  /** Proven lower bound on the batch cost (-Infinity when none). */
  bound: number;
  variables: number;
}

type Loader = () => Promise<Highs>;
// The package's typings describe a CommonJS default export while Node loads its ES module build.
const exported = highsModule as unknown as { default: Loader | { default: Loader } };
const loadHighs: Loader =
  typeof exported.default === 'function' ? exported.default : exported.default.default;
let solver: Promise<Highs> | null = null;

/** HiGHS loads once per process; loading compiles the WebAssembly module. */
function highs(): Promise<Highs> {
  solver ??= loadHighs();
  return solver;
}

/** Billable pounds are ceil(W rounded to 6 decimals): allow W up to z + 1 + this. */
const WEIGHT_SLACK = 4e-7;

function num(v: number): string {
  return String(v);
}

/** Counts the model's integer columns, to decide whether the MIP is worth trying. */
export function mipSize(problems: readonly (SearchProblem | null)[]): number {
  let n = 0;
  for (const p of problems) {
    if (!p) continue;
    const K = p.lineCount;
    for (let c = 0; c < p.candidateCount; c++) {
      n += 2;
      for (let k = 0; k < K; k++) if (p.avail[c * K + k]! > 0) n++;
    }
  }
  return n;
}

export async function solveBatchMip(
  problems: readonly (SearchProblem | null)[],
  stock: { available: Int32Array; capacity: Float64Array; skuCount: number },
  timeLimitSeconds: number,
): Promise<MipOutcome> {
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const generals: string[] = [];
  const binaries: string[] = [];
  const stockUse = new Map<number, string[]>();
  const packagesAt = new Map<number, string[]>();
  let variables = 0;
  problems.forEach((p, o) => {
    if (!p) return;
    const K = p.lineCount;
    const C = p.candidateCount;
    const shipsLine: string[][] = Array.from({ length: K }, () => []);
    const ys: string[] = [];
    for (let c = 0; c < C; c++) {
      const y = `y${o}_${c}`;
      ys.push(y);
      binaries.push(y);
      objective.push(`${num(p.fixed[c]!)} ${y}`);
      const node = p.node[c]!;
      if (!packagesAt.has(node)) packagesAt.set(node, []);
      packagesAt.get(node)!.push(y);
      const weightTerms: string[] = [];
      for (let k = 0; k < K; k++) {
        const a = p.avail[c * K + k]!;
        if (a === 0) continue;
        const x = `x${o}_${c}_${k}`;
        variables++;
        generals.push(x);
        bounds.push(`0 <= ${x} <= ${a}`);
        const mu = p.unit[c]! + p.lin[c]! * p.weight[k]!;
        if (mu !== 0) objective.push(`${num(mu)} ${x}`);
        rows.push(` l${o}_${c}_${k}: ${x} - ${a} ${y} <= 0`);
        shipsLine[k]!.push(x);
        weightTerms.push(`${num(p.weight[k]!)} ${x}`);
        const key = node * stock.skuCount + p.sku[k]!;
        if (!stockUse.has(key)) stockUse.set(key, []);
        stockUse.get(key)!.push(x);
      }
      if (p.step[c]! > 0 && weightTerms.length > 0) {
        const z = `z${o}_${c}`;
        variables++;
        generals.push(z);
        objective.push(`${num(p.step[c]!)} ${z}`);
        rows.push(` w${o}_${c}: ${weightTerms.join(' + ')} - ${y} - ${z} <= ${num(WEIGHT_SLACK)}`);
      }
      variables++;
    }
    for (let k = 0; k < K; k++) {
      const u = `u${o}_${k}`;
      variables++;
      objective.push(`${num(p.penalty)} ${u}`);
      const lhs = [...shipsLine[k]!, u].join(' + ');
      rows.push(` d${o}_${k}: ${lhs} = ${p.quantity[k]}`);
    }
    if (Number.isFinite(p.maxPackages) && p.maxPackages < C)
      rows.push(` m${o}: ${ys.join(' + ')} <= ${p.maxPackages}`);
  });
  for (const [key, xs] of stockUse) {
    if (xs.length > 1) rows.push(` s${key}: ${xs.join(' + ')} <= ${stock.available[key]}`);
  }
  for (const [node, ys] of packagesAt) {
    const cap = stock.capacity[node]!;
    if (Number.isFinite(cap) && cap < ys.length) rows.push(` c${node}: ${ys.join(' + ')} <= ${cap}`);
  }
  if (objective.length === 0)
    return {
      status: 'optimal',
      plans: problems.map(() => ({ set: [], qty: new Int32Array(0) })),
      objective: 0,
      bound: 0,
      variables,
    };
  const lp = [
    'Minimize',
    ` obj: ${chunk(objective)}`,
    'Subject To',
    ...(rows.length > 0 ? rows : [' dummy: 0 y0_0 >= 0']),
    'Bounds',
    ...bounds,
    'General',
    ...chunkList(generals),
    'Binary',
    ...chunkList(binaries),
    'End',
  ].join('\n');
  const h = await highs();
  try {
    return h.withModel({ format: 'lp', data: lp }, (model) => {
      model.options.set({
        output_flag: false,
        time_limit: timeLimitSeconds,
        mip_rel_gap: 0,
        mip_abs_gap: 1e-9,
        mip_feasibility_tolerance: 1e-9,
      });
      model.run();
      const status = model.getModelStatus();
      const info = model.info;
      const bound = Number(info.get('mip_dual_bound') ?? Number.NEGATIVE_INFINITY);
      const sol = model.getSolution();
      const values = new Map<string, number>();
      for (const [i, v] of sol.colValue.entries()) values.set(model.getColName(i), v);
      const optimal = status === h.constants.modelStatus.optimal;
      const hasSolution = Number(info.get('primal_solution_status') ?? 0) >= 2;
      const plans = hasSolution ? problems.map((p, o) => readPlan(p, o, values)) : null;
      return {
        status: optimal ? 'optimal' : 'time-limit',
        plans,
        objective: hasSolution ? model.getObjectiveValue() : Number.POSITIVE_INFINITY,
        bound: Number.isFinite(bound) ? bound : Number.NEGATIVE_INFINITY,
        variables,
      } satisfies MipOutcome;
    });
  } catch {
    return {
      status: 'failed',
      plans: null,
      objective: Number.POSITIVE_INFINITY,
      bound: Number.NEGATIVE_INFINITY,
      variables,
    };
  }
}

function readPlan(p: SearchProblem | null, o: number, values: Map<string, number>): MipPlan {
  if (!p) return { set: [], qty: new Int32Array(0) };
  const K = p.lineCount;
  const set: number[] = [];
  const rows: number[][] = [];
  for (let c = 0; c < p.candidateCount; c++) {
    const row: number[] = [];
    let any = false;
    for (let k = 0; k < K; k++) {
      const x = Math.round(values.get(`x${o}_${c}_${k}`) ?? 0);
      row.push(x);
      if (x > 0) any = true;
    }
    if (any) {
      set.push(c);
      rows.push(row);
    }
  }
  return { set, qty: Int32Array.from(rows.flat()) };
}

/** LP text lines stay short: the reader accepts continuation lines. */
function chunk(terms: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 40) lines.push(terms.slice(i, i + 40).join(' + '));
  return lines.join('\n + ');
}

function chunkList(names: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 40) lines.push(` ${names.slice(i, i + 40).join(' ')}`);
  return lines;
}
