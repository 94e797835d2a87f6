/**
 * ReLU and ReLU6 on raw fixed-point values (the format is unchanged).
 *
 * ReLU6 clamps at the largest grid point <= 6, i.e. raw floor(6 * 2^n); for
 * n >= 0 that is exactly 6. On a format whose maximum is below 6 (Q3.5 tops out
 * at 3.96875) ReLU6 equals ReLU. Both commute with `requantize` (floor and
 * saturation are monotone and map 0 to 0, and 6 is on every grid with n >= 0), so
 * "activation then requantize" and "requantize then activation" agree whenever
 * the target frac is >= 0.
 */
import { floorShift } from './bigint.ts';
import type { Fixed } from './fixed.ts';
import type { QFormat } from './format.ts';

export function reluRaw(raw: bigint): bigint {
  return raw < 0n ? 0n : raw;
}

/** Raw of the largest grid value <= 6 for a format with `frac` fraction bits. */
export function sixRaw(frac: number): bigint {
  return floorShift(6n, frac);
}

export function relu6Raw(raw: bigint, frac: number): bigint {
  if (raw < 0n) return 0n;
  const six = sixRaw(frac);
  return raw > six ? six : raw;
}

export function relu<F extends QFormat>(x: Fixed<F>): Fixed<F> {
  return { raw: reluRaw(x.raw), fmt: x.fmt };
}

export function relu6<F extends QFormat>(x: Fixed<F>): Fixed<F> {
  return { raw: relu6Raw(x.raw, x.fmt.frac), fmt: x.fmt };
}
