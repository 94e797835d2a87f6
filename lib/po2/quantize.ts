/**
 * Float weight -> Po2 (the DeepShift rule).
 *
 * sign = sign(w) (0 for +-0); exp = roundLog2(|w|) (log-domain rounding, cut at
 * 2^(k+0.5), at-the-cut rounds up), then clamped into the range:
 *  - above expMax: saturates to expMax;
 *  - below expMin: `underflow: 'clamp'` (default, as DeepShift) gives +-2^expMin;
 *    `underflow: 'flush'` gives zero instead.
 * Only w = 0 and pruned weights (see prune.ts) become exactly zero by default.
 */
import type { ExpRange } from './exp-range.ts';
import { UNBOUNDED_EXP } from './exp-range.ts';
import { PO2_ZERO, type Po2 } from './po2.ts';
import { roundLog2 } from './round-log2.ts';

export interface Po2QuantizeOptions {
  readonly range?: ExpRange;
  readonly underflow?: 'clamp' | 'flush';
}

export function quantizePo2(w: number, opts: Po2QuantizeOptions = {}): Po2 {
  if (!Number.isFinite(w)) throw new RangeError(`quantizePo2: weight must be finite, got ${w}`);
  if (w === 0) return PO2_ZERO;
  const range = opts.range ?? UNBOUNDED_EXP;
  let exp = roundLog2(Math.abs(w));
  if (exp > range.expMax) exp = range.expMax;
  if (exp < range.expMin) {
    if (opts.underflow === 'flush') return PO2_ZERO;
    exp = range.expMin;
  }
  return { sign: w < 0 ? -1 : 1, exp };
}

/**
 * Quantize a tensor; where `keep` is given, entries with keep[i] false are pruned
 * to exactly zero regardless of their value.
 */
export function quantizePo2Tensor(ws: readonly number[], opts: Po2QuantizeOptions = {}, keep?: readonly boolean[]): Po2[] {
  if (keep !== undefined && keep.length !== ws.length) throw new RangeError('quantizePo2Tensor: mask length mismatch');
  return ws.map((w, i) => (keep !== undefined && keep[i] !== true ? PO2_ZERO : quantizePo2(w, opts)));
}
