/**
 * Rounding when a requantization drops fraction bits or divides: 'floor'
 * (toward -infinity, the library's rule: an arithmetic shift drops the low
 * bits) or 'half-even' (to the nearest integer, ties to the even one, as ONNX
 * QuantizeLinear and IEEE round-to-nearest do). Exact on bigint.
 */
import { floorDiv, floorShift } from './bigint.ts';

export type RoundingMode = 'floor' | 'half-even';
export const ROUNDING_MODES: readonly RoundingMode[] = ['floor', 'half-even'];

/** round(x * 2^k) for any integer k (k >= 0 is exact in both modes). */
export function roundShift(x: bigint, k: number, mode: RoundingMode): bigint {
  if (mode === 'floor' || k >= 0) return floorShift(x, k);
  return roundDiv(x, 1n << BigInt(-k), mode);
}

/** round(a / b) for b > 0. */
export function roundDiv(a: bigint, b: bigint, mode: RoundingMode): bigint {
  const q = floorDiv(a, b);
  if (mode === 'floor') return q;
  const twice = 2n * (a - q * b); // 2 * remainder, in [0, 2b)
  if (twice > b) return q + 1n;
  if (twice < b) return q;
  return q % 2n === 0n ? q : q + 1n;
}
