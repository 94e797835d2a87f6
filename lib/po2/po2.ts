/**
 * Signed power-of-two weights: w = sign * 2^exp.
 *
 * `sign` 0 is the zero weight (pruned or exactly zero); its `exp` carries no
 * meaning and is canonically 0 (use `PO2_ZERO`). A zero weight removes its
 * adder from the hardware tree.
 */
export interface Po2 {
  readonly sign: -1 | 0 | 1;
  readonly exp: number;
}

export const PO2_ZERO: Po2 = Object.freeze({ sign: 0, exp: 0 });

export function po2(sign: -1 | 0 | 1, exp: number): Po2 {
  if (!Number.isSafeInteger(exp)) throw new RangeError(`Po2 exponent must be an integer, got ${exp}`);
  return sign === 0 ? PO2_ZERO : { sign, exp };
}

export function isZeroPo2(w: Po2): boolean {
  return w.sign === 0;
}

/** The real value sign * 2^exp (exact for exp in [-1074, 1023]). */
export function po2Value(w: Po2): number {
  return w.sign === 0 ? 0 : w.sign * 2 ** w.exp;
}

/** Product of two Po2 numbers: signs multiply, exponents add (exact). */
export function mulPo2(a: Po2, b: Po2): Po2 {
  if (a.sign === 0 || b.sign === 0) return PO2_ZERO;
  return { sign: a.sign === b.sign ? 1 : -1, exp: a.exp + b.exp };
}
