/**
 * Real -> fixed point, and raw saturation.
 *
 * quantizeReal: floor to a step of 2^-n (rounds toward -infinity, the DeepShift
 * rule), THEN saturate to the format's range. x * 2^n is exact in doubles
 * (a power-of-two scale) unless it overflows (then it saturates) or underflows
 * below 2^-1022 (then the exact product is in (-1, 1) and its floor is 0 or -1,
 * decided by the sign of x), so the floor is exact for every double.
 */
import { clampBig, checkInt } from './bigint.ts';
import { rawMax, rawMin, type QFormat, type Saturation } from './format.ts';

/** Clamp a raw value (already on the format's grid) into the format's range. */
export function saturateRaw(raw: bigint, f: QFormat, sat: Saturation = 'full'): bigint {
  return clampBig(raw, rawMin(f), rawMax(f, sat));
}

/** Raw code of the real x in format f: saturate(floor(x * 2^n)). +-Infinity saturate; NaN throws. */
export function quantizeReal(x: number, f: QFormat, sat: Saturation = 'full'): bigint {
  if (Number.isNaN(x)) throw new RangeError('quantizeReal: NaN');
  if (x === 0) return saturateRaw(0n, f, sat);
  const p = x * 2 ** f.frac;
  if (!Number.isFinite(p)) return p > 0 ? rawMax(f, sat) : rawMin(f);
  // Underflow: the product is inexact only below 2^-1022, where |exact| < 1 and the floor is 0 or -1.
  if (Math.abs(p) < 2 ** -1022) return saturateRaw(x < 0 ? -1n : 0n, f, sat);
  return saturateRaw(BigInt(Math.floor(p)), f, sat);
}

/** The real value raw * 2^-frac as a double (exact while |raw| < 2^53 and no over/underflow). */
export function rawToReal(raw: bigint, frac: number): number {
  checkInt(frac, 'frac');
  return Number(raw) * 2 ** -frac;
}
