/**
 * SCALE-Sim's output-stationary cycle model (pure arithmetic, no hardware).
 *
 * An M x K by K x N product on an R x C array runs in ceil(M/R) * ceil(N/C)
 * folds; each fold takes K + R + C - 2 cycles (K operands stream through the
 * array, skewed by R - 1 rows and C - 1 columns); the reported total is the sum
 * minus 1, i.e. the index of the last compute cycle when the first is cycle 0.
 */
export interface GemmShape {
  /** Rows of the left operand (outputs mapped onto the array's rows). */
  readonly M: number;
  /** Reduction length. */
  readonly K: number;
  /** Columns of the right operand. */
  readonly N: number;
  /** Array rows. */
  readonly R: number;
  /** Array columns. */
  readonly C: number;
}

function checkPositive(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
}

/** Number of folds: ceil(M/R) * ceil(N/C). */
export function scaleSimOsFolds({ M, K, N, R, C }: GemmShape): number {
  for (const [v, n] of [[M, 'M'], [K, 'K'], [N, 'N'], [R, 'R'], [C, 'C']] as const) checkPositive(v, n);
  return Math.ceil(M / R) * Math.ceil(N / C);
}

/** SCALE-Sim output-stationary total: folds * (K + R + C - 2) - 1. */
export function scaleSimOsCycles(shape: GemmShape): number {
  return scaleSimOsFolds(shape) * (shape.K + shape.R + shape.C - 2) - 1;
}

/** The NPU's shape: k classes x k_fe features on an L x 1 array, one image (N = 1). */
export interface NpuShape {
  readonly classes: number;
  readonly features: number;
  readonly lanes: number;
}

/** Cycles of one classification on the NPU: ceil(k/L) * (k_fe + L - 1) - 1. */
export function npuCycles({ classes, features, lanes }: NpuShape): number {
  return scaleSimOsCycles({ M: classes, K: features, N: 1, R: lanes, C: 1 });
}

/**
 * Cycle (same origin: the start cycle is 0) in which the last class score is on
 * the result port. Equal to `npuCycles` when `lanes` divides `classes`; when the
 * last fold is partial, its unused lanes still take their turn in the fold (as
 * SCALE-Sim counts full folds) but produce no result, so the last score comes
 * L - 1 - ((k - 1) mod L) cycles before the end.
 */
export function npuLastResultCycle({ classes, features, lanes }: NpuShape): number {
  const folds = Math.ceil(classes / lanes);
  return (folds - 1) * (features + lanes - 1) + features - 1 + ((classes - 1) % lanes);
}
