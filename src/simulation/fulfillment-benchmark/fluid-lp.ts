import type { Highs, Model, ModelData } from 'highs';
import * as highsModule from 'highs';
import type { FulfilmentInstance } from './instance-generator.ts';

/**
 * The fluid LP of Jasin & Sinha (2015), solved with HiGHS. Per period, with w_jq the probability
 * that an arrival is an order of type q at city j:
 *
 *   min  sum_jq w_jq [ sum_k F_jk y_jqk + sum_{i in q} sum_k c_jk x_ijqk ]
 *   s.t. sum_k x_ijqk = 1                        every item of every (city, type)
 *        x_ijqk <= y_jqk                          a share of orders using k pays k's package
 *        sum_{j, q containing i} w_jq x_ijqk <= s_ik / H     expected use within stock
 *        x, y >= 0
 *
 * k runs over the centres holding item i plus the dummy centre (lost sale, unlimited). y_jqk is
 * the share of type-q orders at j that get a package from k: it is at least the share of any of
 * its items sent from k, which is how the fixed package cost enters a valid lower bound. Any
 * policy's expected cost over H periods is at least H times the optimum (its frequencies are a
 * feasible point). The duals of the stock rows are the marginal value of a unit of item i at k.
 */

export interface FluidLpResult {
  /** Lower bound on the expected cost over the horizon: H times the per-period optimum. */
  bound: number;
  /** Value of one more unit of item i at centre k, dual[i * K + k] >= 0 (0 when it has no stock). */
  dual: Float64Array;
  status: string;
  columns: number;
  rows: number;
}

type Loader = () => Promise<Highs>;
const exported = highsModule as unknown as { default: Loader | { default: Loader } };
const loadHighs: Loader =
  typeof exported.default === 'function' ? exported.default : exported.default.default;
let solver: Promise<Highs> | null = null;

function highs(): Promise<Highs> {
  solver ??= loadHighs();
  return solver;
}

/**
 * The fluid LP of one instance held in a HiGHS model, so that re-solving for the stock and
 * periods left only changes the stock rows' bounds and the simplex restarts from the last basis
 * (a few milliseconds instead of a cold solve).
 */
export class FluidLp {
  private constructor(
    private readonly h: Highs,
    private readonly model: Model,
    private readonly inst: FulfilmentInstance,
    /** Row of each (item, centre) stock constraint, -1 when the pair has no stock column. */
    private readonly stockRow: Int32Array,
    readonly columns: number,
    readonly rows: number,
  ) {}

  /**
   * Builds the model. `arrivalWeights[j * Q + q]` replaces the expected arrival probabilities,
   * e.g. by the realised frequencies of one sequence: the LP is then a lower bound on every
   * policy's cost on that very sequence (the hindsight bound the tests check).
   */
  static async create(inst: FulfilmentInstance, arrivalWeights?: Float64Array): Promise<FluidLp> {
    const h = await highs();
    const b = buildModel(inst, arrivalWeights, h.infinity);
    const model = h.createModel();
    model.options.set({ output_flag: false });
    model.passModel(b.data);
    return new FluidLp(h, model, inst, b.stockRow, b.data.numCols, b.data.numRows);
  }

  /** Solves for `stock` left (item-major) and `horizon` periods to go. */
  solve(stock: Int32Array = this.inst.stock, horizon: number = this.inst.params.horizon): FluidLpResult {
    const N = this.inst.params.items;
    const K = this.inst.centreCount;
    const rows: number[] = [];
    const upper: number[] = [];
    for (let ik = 0; ik < N * K; ik++) {
      const r = this.stockRow[ik]!;
      if (r < 0) continue;
      rows.push(r);
      upper.push(Math.max(0, stock[ik]!) / horizon);
    }
    const model = this.model;
    if (rows.length > 0) {
      model.changeRowsBounds(
        { kind: 'set', indices: Int32Array.from(rows) },
        new Float64Array(rows.length).fill(-this.h.infinity),
        Float64Array.from(upper),
      );
    }
    model.run();
    const ok = model.getModelStatus() === this.h.constants.modelStatus.optimal;
    const sol = model.getSolution();
    const dual = new Float64Array(N * K);
    for (let ik = 0; ik < N * K; ik++) {
      const r = this.stockRow[ik]!;
      // A <= row of a minimisation has a non-positive dual; its size is the unit's value.
      if (r >= 0) dual[ik] = Math.max(0, -sol.rowDual[r]!);
    }
    return {
      bound: ok ? model.getObjectiveValue() * horizon : Number.NaN,
      dual,
      status: ok ? 'optimal' : String(model.getModelStatus()),
      columns: this.columns,
      rows: this.rows,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** One cold solve of the fluid LP (see FluidLp for re-solving). */
export async function solveFluidLp(
  inst: FulfilmentInstance,
  stock: Int32Array = inst.stock,
  horizon: number = inst.params.horizon,
  arrivalWeights?: Float64Array,
): Promise<FluidLpResult> {
  const lp = await FluidLp.create(inst, arrivalWeights);
  try {
    return lp.solve(stock, horizon);
  } finally {
    lp.dispose();
  }
}

function buildModel(
  inst: FulfilmentInstance,
  arrivalWeights: Float64Array | undefined,
  inf: number,
): { data: ModelData; stockRow: Int32Array } {
  const stock = inst.stock;
  const horizon = inst.params.horizon;
  const J = inst.cityCount;
  const K = inst.centreCount;
  const K1 = K + 1;
  const N = inst.params.items;
  const cost: number[] = [];
  const rowStarts: number[] = [0];
  const rowIndex: number[] = [];
  const rowValue: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const stockTerms: { col: number; w: number }[][] = Array.from({ length: N * K }, () => []);
  const endRow = (lo: number, hi: number) => {
    rowLower.push(lo);
    rowUpper.push(hi);
    rowStarts.push(rowIndex.length);
  };
  for (let j = 0; j < J; j++) {
    for (const [q, type] of inst.types.entries()) {
      const w = arrivalWeights
        ? arrivalWeights[j * inst.types.length + q]!
        : inst.cityProbability[j]! * type.probability;
      if (w <= 0) continue;
      // y columns for centres holding at least one of the type's items, and the dummy.
      const yCol = new Int32Array(K1).fill(-1);
      for (let k = 0; k <= K; k++) {
        const useful = k === K || type.items.some((i) => stock[i * K + k]! > 0);
        if (!useful) continue;
        yCol[k] = cost.length;
        cost.push(w * inst.fixed[j * K1 + k]!);
      }
      for (const i of type.items) {
        const xs: number[] = [];
        for (let k = 0; k <= K; k++) {
          if (k < K && stock[i * K + k]! <= 0) continue;
          const col = cost.length;
          cost.push(w * inst.unitCost[j * K1 + k]!);
          xs.push(col);
          // x - y <= 0
          rowIndex.push(col, yCol[k]!);
          rowValue.push(1, -1);
          endRow(-Infinity, 0);
          if (k < K) stockTerms[i * K + k]!.push({ col, w });
        }
        for (const col of xs) {
          rowIndex.push(col);
          rowValue.push(1);
        }
        endRow(1, 1);
      }
    }
  }
  const stockRow = new Int32Array(N * K).fill(-1);
  for (let ik = 0; ik < N * K; ik++) {
    const terms = stockTerms[ik]!;
    if (terms.length === 0) continue;
    stockRow[ik] = rowLower.length;
    for (const t of terms) {
      rowIndex.push(t.col);
      rowValue.push(t.w);
    }
    endRow(-Infinity, stock[ik]! / horizon);
  }
  const numCols = cost.length;
  const numRows = rowLower.length;
  return {
    stockRow,
    data: {
      numCols,
      numRows,
      colCost: Float64Array.from(cost),
      colLower: new Float64Array(numCols),
      colUpper: new Float64Array(numCols).fill(inf),
      rowLower: Float64Array.from(rowLower, (v) => (v === -Infinity ? -inf : v)),
      rowUpper: Float64Array.from(rowUpper, (v) => (v === Infinity ? inf : v)),
      matrix: {
        format: 'csr',
        numRows,
        numCols,
        starts: Int32Array.from(rowStarts),
        indices: Int32Array.from(rowIndex),
        values: Float64Array.from(rowValue),
      },
    },
  };
}
