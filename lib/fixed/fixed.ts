/**
 * Fixed-point values with the binary point carried in the value's format.
 *
 * Every operation here is exact except `requantize` (which floors and
 * saturates by definition): the result format grows so that no bit is lost.
 *  - add / sub: binary points aligned to the larger frac, int = max(int) + 1.
 *  - neg: int + 1 (negating the minimum needs one more bit).
 *  - shiftFixed(x, k): multiply by 2^k by moving the binary point only; the raw
 *    bits are untouched, format Q(m.n) -> Q(m+k . n-k).
 */
import { roundShift, type RoundingMode } from './rounding.ts';
import { floorShift } from './bigint.ts';
import { formatName, qformat, rawMax, rawMin, type QFormat, type Saturation } from './format.ts';
import { quantizeReal, rawToReal, saturateRaw } from './quantize.ts';

export interface Fixed<F extends QFormat = QFormat> {
  readonly raw: bigint;
  readonly fmt: F;
}

/** A checked fixed-point value: throws if raw does not fit in fmt. */
export function fixed<F extends QFormat>(raw: bigint, fmt: F): Fixed<F> {
  if (raw < rawMin(fmt) || raw > rawMax(fmt)) {
    throw new RangeError(`raw ${raw} does not fit in ${formatName(fmt)}`);
  }
  return { raw, fmt };
}

export function fixedFromReal<F extends QFormat>(x: number, fmt: F, sat: Saturation = 'full'): Fixed<F> {
  return { raw: quantizeReal(x, fmt, sat), fmt };
}

export function fixedToReal(x: Fixed): number {
  return rawToReal(x.raw, x.fmt.frac);
}

/** Raw value of x re-expressed with `frac` fraction bits, exactly (throws if bits would be lost). */
export function alignRaw(raw: bigint, fromFrac: number, toFrac: number): bigint {
  if (toFrac < fromFrac) {
    const r = floorShift(raw, toFrac - fromFrac);
    if (floorShift(r, fromFrac - toFrac) !== raw) throw new RangeError('alignRaw: would lose bits');
    return r;
  }
  return floorShift(raw, toFrac - fromFrac);
}

export function addFormat(a: QFormat, b: QFormat): QFormat {
  return qformat(Math.max(a.int, b.int) + 1, Math.max(a.frac, b.frac));
}

export function add(a: Fixed, b: Fixed): Fixed {
  const fmt = addFormat(a.fmt, b.fmt);
  return { raw: alignRaw(a.raw, a.fmt.frac, fmt.frac) + alignRaw(b.raw, b.fmt.frac, fmt.frac), fmt };
}

export function sub(a: Fixed, b: Fixed): Fixed {
  const fmt = addFormat(a.fmt, b.fmt);
  return { raw: alignRaw(a.raw, a.fmt.frac, fmt.frac) - alignRaw(b.raw, b.fmt.frac, fmt.frac), fmt };
}

export function neg(a: Fixed): Fixed {
  return { raw: -a.raw, fmt: qformat(a.fmt.int + 1, a.fmt.frac) };
}

/** x * 2^k: only the binary point moves (Q(m.n) -> Q(m+k . n-k)); raw bits unchanged. */
export function shiftFixed(x: Fixed, k: number): Fixed {
  return { raw: x.raw, fmt: qformat(x.fmt.int + k, x.fmt.frac - k) };
}

/**
 * Bring a (wide) value back to format `to`: shift to the new binary point with
 * floor (round toward -infinity, i.e. drop the low bits of the two's
 * complement word; or `rounding` 'half-even', see rounding.ts), then saturate
 * to `to`'s range.
 */
export function requantizeRaw(raw: bigint, fromFrac: number, to: QFormat, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): bigint {
  return saturateRaw(roundShift(raw, to.frac - fromFrac, rounding), to, sat);
}

export function requantize<F extends QFormat>(x: Fixed, to: F, sat: Saturation = 'full'): Fixed<F> {
  return { raw: requantizeRaw(x.raw, x.fmt.frac, to, sat), fmt: to };
}

/** Exact comparison of the real values raw_a * 2^-fa and raw_b * 2^-fb: -1, 0 or 1. */
export function compareRaw(ra: bigint, fa: number, rb: bigint, fb: number): -1 | 0 | 1 {
  const f = Math.max(fa, fb);
  const a = floorShift(ra, f - fa);
  const b = floorShift(rb, f - fb);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when the two values are equal as real numbers (formats may differ). */
export function fixedEquals(a: Fixed, b: Fixed): boolean {
  return compareRaw(a.raw, a.fmt.frac, b.raw, b.fmt.frac) === 0;
}
