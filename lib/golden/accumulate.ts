/**
 * One adder-tree term: a Po2 weight times a fixed-point activation, expressed
 * as an integer in units of the accumulator LSB 2^-accFrac.
 *
 * With the activation raw r (frac n) and weight s * 2^e the exact term is
 *   s * r * 2^(e - n + accFrac)   (LSB units),   shift k = e - n + accFrac.
 *
 * Modes
 * - exact: accFrac is chosen so that every k >= 0 (align everything to the
 *   smallest exponent, see `exactAccFrac`); every term and the sum are exact.
 *   Using `po2Term` in exact mode with a k < 0 throws instead of losing bits.
 * - truncate: accFrac is the chosen output LSB; each term is floored to that
 *   LSB BEFORE summing. The sign can be applied before or after the floor:
 *     'floor-signed'     (default) term = floor(s * r * 2^k): the signed
 *                        product is floored (the "negated input" adder tree:
 *                        -r is formed, then shifted). Every term is <= its exact
 *                        value and > exact - 1 LSB, so the sum never exceeds the
 *                        exact sum and is above exact - nTerms LSB.
 *     'subtract-floored' term = s * floor(r * 2^k): the shifted activation is
 *                        floored, and a negative weight subtracts it. Positive
 *                        terms are <= exact, negative terms >= exact (each
 *                        within 1 LSB).
 *   Terms with k >= 0 lose nothing in either mode.
 * Zero weights contribute nothing (no adder).
 */
import { floorShift } from '../fixed/bigint.ts';
import { rawMax, rawMin, type QFormat } from '../fixed/format.ts';
import type { Po2 } from '../po2/po2.ts';

export type AccumulateMode =
  | { readonly kind: 'exact' }
  | { readonly kind: 'truncate'; readonly frac: number; readonly negation?: 'floor-signed' | 'subtract-floored' };

export const EXACT: AccumulateMode = Object.freeze({ kind: 'exact' });

export function truncating(frac: number, negation: 'floor-signed' | 'subtract-floored' = 'floor-signed'): AccumulateMode {
  if (!Number.isSafeInteger(frac)) throw new RangeError(`truncating: frac must be an integer, got ${frac}`);
  return Object.freeze({ kind: 'truncate', frac, negation });
}

/**
 * The exact-mode accumulator frac: the smallest frac at which every term of
 * `weights` (activation frac `actFrac`) and the bias (frac `biasFrac`, if any)
 * is an integer, i.e. max(actFrac - min nonzero exponent, biasFrac). With no
 * nonzero weight it is actFrac (or biasFrac when larger).
 */
export function exactAccFrac(weights: Iterable<Po2>, actFrac: number, biasFrac?: number): number {
  let f = biasFrac ?? -Infinity;
  let any = false;
  for (const w of weights) {
    if (w.sign === 0) continue;
    any = true;
    f = Math.max(f, actFrac - w.exp);
  }
  if (!any) f = Math.max(f, actFrac);
  return f;
}

/** The accumulator frac a mode uses for these weights. */
export function accFracFor(mode: AccumulateMode, weights: Iterable<Po2>, actFrac: number, biasFrac?: number): number {
  return mode.kind === 'exact' ? exactAccFrac(weights, actFrac, biasFrac) : mode.frac;
}

export function po2Term(raw: bigint, actFrac: number, w: Po2, accFrac: number, mode: AccumulateMode): bigint {
  if (w.sign === 0) return 0n;
  const k = w.exp - actFrac + accFrac;
  if (mode.kind === 'exact') {
    if (k < 0) throw new RangeError(`exact accumulation: accFrac ${accFrac} too small for exponent ${w.exp}`);
    const t = raw << BigInt(k);
    return w.sign < 0 ? -t : t;
  }
  if (w.sign > 0) return floorShift(raw, k);
  return mode.negation === 'subtract-floored' ? -floorShift(raw, k) : floorShift(-raw, k);
}

/** [lo, hi] of a term over every activation of format `act` (a term is monotone in r). */
export function po2TermRange(w: Po2, act: QFormat, accFrac: number, mode: AccumulateMode): [bigint, bigint] {
  const a = po2Term(rawMin(act), act.frac, w, accFrac, mode);
  const b = po2Term(rawMax(act), act.frac, w, accFrac, mode);
  return a <= b ? [a, b] : [b, a];
}

/** Bias raw (frac biasFrac) in accumulator LSBs: exact when accFrac >= biasFrac, else floored. */
export function alignBias(biasRaw: bigint, biasFrac: number, accFrac: number): bigint {
  return floorShift(biasRaw, accFrac - biasFrac);
}
