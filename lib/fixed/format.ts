/**
 * Signed fixed-point formats Q(m.n).
 *
 * `int` (m) counts the integer bits INCLUDING the sign bit, `frac` (n) the
 * fraction bits; the word is m + n bits of two's complement and a raw integer r
 * stands for the real r * 2^-n. Q3.5 (8 bits, step 1/32, range [-4, 3.96875])
 * is the default activation format.
 *
 * Both fields may be any integer as long as the width m + n is at least 1:
 * moving the binary point with `shiftFixed` can push `frac` below zero (LSB
 * weight 2^|n| > 1) or `int` below one (all bits are fraction bits). The
 * format is carried with every value, so the binary point is tracked through
 * every operation at run time.
 */
import { checkInt, signedWidth } from './bigint.ts';

/**
 * The binary point is tracked at run time in every value's `fmt`. Where a
 * format is a compile-time constant (Q3_5, `qformat(3, 5)`), the literal
 * parameters also carry it in the static type through the format-preserving
 * operations and requantization (e.g. `requantize(x, Q3_5)` is a
 * `Fixed<QFormat<3, 5>>`); format-changing operations (add, shift, accumulate)
 * return the general `QFormat`, as TypeScript has no type-level arithmetic.
 */
export interface QFormat<I extends number = number, N extends number = number> {
  /** m: integer bits including the sign bit. */
  readonly int: I;
  /** n: fraction bits. */
  readonly frac: N;
}

/**
 * Saturation range of a format.
 * - `'full'` (the default everywhere): the whole two's-complement range
 *   [-2^(m-1), 2^(m-1) - 2^-n], e.g. Q3.5 -> [-4, 3.96875]. Saturation is then
 *   exactly "clamp to what fits in m + n bits", the natural hardware clamp.
 * - `'deepshift'`: [-2^(m-1), 2^(m-1) - 1], e.g. Q3.5 -> [-4, 3.0], the clamp
 *   the DeepShift reference code applies to activations. Its upper bound is
 *   floored onto the format's grid (relevant only when n < 0).
 */
export type Saturation = 'full' | 'deepshift';

export function qformat<const I extends number, const N extends number>(int: I, frac: N): QFormat<I, N> {
  checkInt(int, 'QFormat.int');
  checkInt(frac, 'QFormat.frac');
  if (int + frac < 1) throw new RangeError(`Q${int}.${frac}: width int + frac must be >= 1`);
  return Object.freeze({ int, frac });
}

/** Default activation format: Q3.5, 8 bits. */
export const Q3_5: QFormat<3, 5> = qformat(3, 5);

export function formatWidth(f: QFormat): number {
  return f.int + f.frac;
}

export function formatName(f: QFormat): string {
  return `Q${f.int}.${f.frac}`;
}

export function sameFormat(a: QFormat, b: QFormat): boolean {
  return a.int === b.int && a.frac === b.frac;
}

/** Smallest raw value: -2^(m+n-1). */
export function rawMin(f: QFormat): bigint {
  return -(1n << BigInt(formatWidth(f) - 1));
}

/** Largest raw value under the given saturation rule. */
export function rawMax(f: QFormat, sat: Saturation = 'full'): bigint {
  const full = (1n << BigInt(formatWidth(f) - 1)) - 1n;
  if (sat === 'full') return full;
  // (2^(m-1) - 1) * 2^n on the raw grid, floored; never above the full maximum.
  const oneLess = (1n << BigInt(f.int - 1 + Math.max(f.frac, 0))) - (1n << BigInt(Math.max(f.frac, 0)));
  const v = f.frac >= 0 ? oneLess : oneLess >> BigInt(-f.frac);
  if (v > full) return full;
  const min = rawMin(f);
  return v < min ? min : v; // only when int <= 0, where 2^(m-1) - 1 < -2^(m-1)
}

/** Smallest format with the given fraction bits that holds every raw value in [lo, hi]. */
export function formatForRange(lo: bigint, hi: bigint, frac: number): QFormat {
  return qformat(signedWidth(lo, hi) - frac, frac);
}
