/**
 * Integer-exact golden model of the classifier NPU (lib/npu/npu.ts).
 *
 * Formats (all signed two's complement, see lib/NUMERICS.md):
 * - weights   Q(wInt.wFrac), raw integers in [-2^(wW-1), 2^(wW-1) - 1], wW = wInt + wFrac;
 * - features  Q(xInt.xFrac), default Q3.5;
 * - products  exact, Q(wInt + xInt . wFrac + xFrac);
 * - accumulator exact: frac wFrac + xFrac, width the smallest that holds every
 *   possible sum of `features` products (`npuAccWidth`), so it never overflows;
 * - score: the accumulator requantized to Q(outInt.outFrac): floor to the new
 *   binary point, then saturate to the full two's-complement range
 *   (`requantizeRaw`, saturation 'full'). Choosing outFrac = wFrac + xFrac and
 *   outInt >= the accumulator's integer bits gives the full-width sum unchanged.
 */
import { signedWidth } from '../fixed/bigint.ts';
import { requantizeRaw } from '../fixed/fixed.ts';
import { qformat, rawMax, rawMin, type QFormat } from '../fixed/format.ts';

export interface NpuFormats {
  readonly wInt: number;
  readonly wFrac: number;
  readonly xInt: number;
  readonly xFrac: number;
  readonly outInt: number;
  readonly outFrac: number;
}

export const npuDefaultFormats: NpuFormats = Object.freeze({ wInt: 2, wFrac: 6, xInt: 3, xFrac: 5, outInt: 8, outFrac: 8 });

export function npuWeightFormat(f: NpuFormats): QFormat {
  return qformat(f.wInt, f.wFrac);
}
export function npuFeatureFormat(f: NpuFormats): QFormat {
  return qformat(f.xInt, f.xFrac);
}
export function npuOutputFormat(f: NpuFormats): QFormat {
  return qformat(f.outInt, f.outFrac);
}
/** Fraction bits of the products and the accumulator. */
export function npuAccFrac(f: NpuFormats): number {
  return f.wFrac + f.xFrac;
}

/** Exact range [lo, hi] of a sum of `features` weight x feature products. */
export function npuAccRange(f: NpuFormats, features: number): [bigint, bigint] {
  const w = npuWeightFormat(f);
  const x = npuFeatureFormat(f);
  const wl = rawMin(w);
  const wh = rawMax(w);
  const xl = rawMin(x);
  const xh = rawMax(x);
  const corners = [wl * xl, wl * xh, wh * xl, wh * xh];
  const lo = corners.reduce((a, b) => (b < a ? b : a));
  const hi = corners.reduce((a, b) => (b > a ? b : a));
  const n = BigInt(features);
  return [n * lo, n * hi];
}

/** Accumulator width: the smallest two's-complement width holding npuAccRange. */
export function npuAccWidth(f: NpuFormats, features: number): number {
  const [lo, hi] = npuAccRange(f, features);
  return signedWidth(lo, hi);
}

export interface NpuGoldenResult {
  /** Exact accumulators (frac wFrac + xFrac), one per class. */
  readonly acc: bigint[];
  /** Scores: acc requantized to Q(outInt.outFrac), one per class. */
  readonly scores: bigint[];
}

function checkRaw(v: bigint, fmt: QFormat, what: string): void {
  if (v < rawMin(fmt) || v > rawMax(fmt)) throw new RangeError(`${what} = ${v} is outside Q${fmt.int}.${fmt.frac}`);
}

/**
 * y = W x: `weights[o][j]` raw Q(wInt.wFrac) (k rows of k_fe), `features[j]` raw
 * Q(xInt.xFrac). Throws on raw values outside their formats.
 */
export function npuGolden(f: NpuFormats, weights: readonly (readonly bigint[])[], features: readonly bigint[]): NpuGoldenResult {
  const wf = npuWeightFormat(f);
  const xf = npuFeatureFormat(f);
  const of = npuOutputFormat(f);
  features.forEach((x, j) => checkRaw(x, xf, `features[${j}]`));
  const acc = weights.map((row, o) => {
    if (row.length !== features.length) throw new RangeError(`weights[${o}] has ${row.length} entries, expected ${features.length}`);
    let s = 0n;
    row.forEach((w, j) => {
      checkRaw(w, wf, `weights[${o}][${j}]`);
      s += w * features[j]!;
    });
    return s;
  });
  const scores = acc.map((a) => requantizeRaw(a, npuAccFrac(f), of, 'full'));
  return { acc, scores };
}
