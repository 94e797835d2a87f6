/**
 * Exponent range of Po2 weights from a weight bit-width, and the b-bit code.
 *
 * A b-bit Po2 weight (b >= 2) is one sign bit plus a (b-1)-bit magnitude code.
 * Magnitude code 0 is the zero weight (it is its own code, whatever the sign
 * bit); codes 1 .. 2^(b-1)-1 are the exponents expMax, expMax-1, ...,
 * expMax - (2^(b-1) - 2). So there are 2^(b-1) - 1 exponent values:
 *   expMin = expMax - 2^(b-1) + 2.
 * With the default expMax = 0 (|w| <= 1): b=2 -> {0} (ternary -1/0/+1),
 * b=3 -> [-2, 0], b=4 -> [-6, 0], b=5 -> [-14, 0] (DeepShift's shift range
 * -(2^(b-1) - 2) .. 0). The bit-width costs no hardware area: it only bounds
 * the shifts.
 */
import { PO2_ZERO, type Po2 } from './po2.ts';

export interface ExpRange {
  readonly expMin: number;
  readonly expMax: number;
}

/** An unbounded range (no clamping). */
export const UNBOUNDED_EXP: ExpRange = Object.freeze({ expMin: -Infinity, expMax: Infinity });

export function expRange(expMin: number, expMax: number): ExpRange {
  if (expMin > expMax) throw new RangeError(`expRange: empty [${expMin}, ${expMax}]`);
  return Object.freeze({ expMin, expMax });
}

export function expRangeFromBits(bits: number, expMax = 0): ExpRange {
  if (!Number.isSafeInteger(bits) || bits < 2 || bits > 31) {
    throw new RangeError(`Po2 weight bit-width must be an integer in [2, 31], got ${bits}`);
  }
  if (!Number.isSafeInteger(expMax)) throw new RangeError(`expMax must be an integer, got ${expMax}`);
  return expRange(expMax - 2 ** (bits - 1) + 2, expMax);
}

/** The b-bit code of a weight: sign bit (MSB, 1 = negative) | magnitude code. Zero encodes as 0. */
export function encodePo2(w: Po2, bits: number, expMax = 0): number {
  const r = expRangeFromBits(bits, expMax);
  if (w.sign === 0) return 0;
  if (w.exp < r.expMin || w.exp > r.expMax) throw new RangeError(`exponent ${w.exp} outside [${r.expMin}, ${r.expMax}]`);
  const mag = expMax - w.exp + 1;
  return (w.sign < 0 ? 2 ** (bits - 1) : 0) + mag;
}

export function decodePo2(code: number, bits: number, expMax = 0): Po2 {
  expRangeFromBits(bits, expMax);
  if (!Number.isSafeInteger(code) || code < 0 || code >= 2 ** bits) throw new RangeError(`code ${code} is not ${bits} bits`);
  const half = 2 ** (bits - 1);
  const mag = code % half;
  if (mag === 0) return PO2_ZERO;
  return { sign: code >= half ? -1 : 1, exp: expMax - mag + 1 };
}
