/**
 * Golden dot product: sum of Po2-weight x fixed-point-activation terms plus an
 * optional fixed-point bias, in integer accumulator LSBs (see accumulate.ts
 * for the term definitions and modes). The bias is added once, after the terms,
 * aligned with `alignBias` (exact when the accumulator frac >= the bias frac).
 */
import { formatForRange, formatName, rawMax, rawMin, type QFormat } from '../fixed/format.ts';
import type { Fixed } from '../fixed/fixed.ts';
import type { Po2 } from '../po2/po2.ts';
import { accFracFor, alignBias, po2Term, po2TermRange, type AccumulateMode } from './accumulate.ts';

export interface DotResult {
  /** Accumulator raw value at `fmt.frac`. */
  readonly acc: Fixed;
  /** [lo, hi] of the accumulator over all activations of the input format (the exact node range). */
  readonly range: readonly [bigint, bigint];
}

/** Range of sum_i term_i + bias over independent activations in `act`. */
export function dotRange(weights: readonly Po2[], act: QFormat, accFrac: number, mode: AccumulateMode, bias?: Fixed): [bigint, bigint] {
  let lo = 0n;
  let hi = 0n;
  for (const w of weights) {
    const [a, b] = po2TermRange(w, act, accFrac, mode);
    lo += a;
    hi += b;
  }
  if (bias !== undefined) {
    const b = alignBias(bias.raw, bias.fmt.frac, accFrac);
    lo += b;
    hi += b;
  }
  return [lo, hi];
}

/** Raw accumulator of a dot product at a given accumulator frac. */
export function dotRaw(acts: readonly bigint[], actFrac: number, weights: readonly Po2[], accFrac: number, mode: AccumulateMode, bias?: Fixed): bigint {
  if (acts.length !== weights.length) throw new RangeError(`dot: ${acts.length} activations vs ${weights.length} weights`);
  let s = 0n;
  for (let i = 0; i < acts.length; i++) s += po2Term(acts[i] as bigint, actFrac, weights[i] as Po2, accFrac, mode);
  if (bias !== undefined) s += alignBias(bias.raw, bias.fmt.frac, accFrac);
  return s;
}

/**
 * Dot product with the accumulator format derived from the weights: frac from
 * the mode (exact: aligned to the smallest exponent and the bias), width the
 * smallest that holds `dotRange`.
 */
export function dotPo2(acts: readonly bigint[], act: QFormat, weights: readonly Po2[], mode: AccumulateMode, bias?: Fixed): DotResult {
  for (const a of acts) if (a < rawMin(act) || a > rawMax(act)) throw new RangeError(`dotPo2: activation ${a} outside ${formatName(act)}`);
  const accFrac = accFracFor(mode, weights, act.frac, bias?.fmt.frac);
  const range = dotRange(weights, act, accFrac, mode, bias);
  const raw = dotRaw(acts, act.frac, weights, accFrac, mode, bias);
  return { acc: { raw, fmt: formatForRange(range[0], range[1], accFrac) }, range };
}
