// Exact software model of IEEE 754 binary16 add, multiply and fused multiply-add.
// Values are 16-bit patterns (numbers 0..0xFFFF). Every finite result is computed
// exactly as an integer (BigInt) and rounded once, to nearest even; JS floats are
// never used for the arithmetic, so the model cannot inherit their double rounding.

/** The quiet NaN every unit here returns (sign 0, exponent all ones, top fraction bit). */
export const FP16_NAN = 0x7e00;
export const FP16_POS_INF = 0x7c00;
export const FP16_NEG_INF = 0xfc00;
/** Largest finite binary16 value, 65504. */
export const FP16_MAX = 0x7bff;

/** Exponent of the least significant bit of every binary16 value (subnormal quantum). */
export const FP16_LSB_EXP = -24;

export interface Fp16Fields {
  readonly negative: boolean;
  readonly isNaN: boolean;
  readonly isInf: boolean;
  /** |x| / 2^-24 for finite x: an integer below 2^40. */
  readonly magnitude: bigint;
}

export function fp16Fields(bits: number): Fp16Fields {
  checkBits(bits);
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const negative = (bits & 0x8000) !== 0;
  if (exponent === 0x1f) return { negative, isNaN: fraction !== 0, isInf: fraction === 0, magnitude: 0n };
  const significand = exponent === 0 ? fraction : fraction | 0x400;
  const shift = exponent === 0 ? 0 : exponent - 1;
  return { negative, isNaN: false, isInf: false, magnitude: BigInt(significand) << BigInt(shift) };
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) throw new RangeError(`not a binary16 bit pattern: ${bits}`);
}

/**
 * Round sign * magnitude * 2^lsbExp to binary16, to nearest even (overflow to
 * infinity). lsbExp must be <= -24 (every caller's exact value has a finer LSB).
 * A zero magnitude gives a zero of the given sign.
 */
export function roundToFp16(negative: boolean, magnitude: bigint, lsbExp: number): number {
  if (lsbExp > FP16_LSB_EXP) throw new RangeError(`roundToFp16: lsbExp ${lsbExp} above ${FP16_LSB_EXP}`);
  if (magnitude < 0n) throw new RangeError('roundToFp16: negative magnitude');
  const signBit = negative ? 0x8000 : 0;
  if (magnitude === 0n) return signBit;
  const top = magnitude.toString(2).length - 1; // position of the leading one
  const exponent = top + lsbExp; // value in [2^exponent, 2^(exponent+1))
  const subnormalShift = FP16_LSB_EXP - lsbExp;
  const shift = Math.max(top - 10, subnormalShift); // keep 11 bits (or the subnormal quantum)
  const s = BigInt(shift);
  let kept = magnitude >> s;
  const rest = magnitude - (kept << s);
  if (shift > 0) {
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (kept & 1n) === 1n)) kept += 1n;
  }
  // Normal: kept holds the leading one at bit 10, which adds the last 1 to the exponent field.
  // A carry out of the rounding moves into the exponent field by itself.
  const base = exponent < -14 ? 0 : exponent + 14;
  const bits = base * 1024 + Number(kept);
  return signBit | (bits >= FP16_POS_INF ? FP16_POS_INF : bits);
}

/** a + b (or a - b when negateB), rounded once. x + (-x) is +0; -0 + -0 is -0. */
export function fp16Add(a: number, b: number, negateB = false): number {
  const x = fp16Fields(a);
  const y0 = fp16Fields(b);
  const y = { ...y0, negative: y0.negative !== negateB };
  if (x.isNaN || y.isNaN) return FP16_NAN;
  if (x.isInf && y.isInf) return x.negative === y.negative ? infinity(x.negative) : FP16_NAN;
  if (x.isInf) return infinity(x.negative);
  if (y.isInf) return infinity(y.negative);
  return roundSum(x.negative, x.magnitude, y.negative, y.magnitude, FP16_LSB_EXP);
}

/** a * b, rounded once. */
export function fp16Mul(a: number, b: number): number {
  const x = fp16Fields(a);
  const y = fp16Fields(b);
  const negative = x.negative !== y.negative;
  if (x.isNaN || y.isNaN) return FP16_NAN;
  if (x.isInf || y.isInf) {
    const otherZero = (x.isInf ? !y.isInf && y.magnitude === 0n : !x.isInf && x.magnitude === 0n);
    return otherZero ? FP16_NAN : infinity(negative);
  }
  return roundToFp16(negative, x.magnitude * y.magnitude, 2 * FP16_LSB_EXP);
}

/** a * b + c, exact and rounded once (IEEE fusedMultiplyAdd). */
export function fp16Fma(a: number, b: number, c: number): number {
  const x = fp16Fields(a);
  const y = fp16Fields(b);
  const z = fp16Fields(c);
  const productNegative = x.negative !== y.negative;
  if (x.isNaN || y.isNaN || z.isNaN) return FP16_NAN;
  const xZero = !x.isInf && x.magnitude === 0n;
  const yZero = !y.isInf && y.magnitude === 0n;
  if ((x.isInf && yZero) || (y.isInf && xZero)) return FP16_NAN;
  if (x.isInf || y.isInf) {
    if (z.isInf && z.negative !== productNegative) return FP16_NAN;
    return infinity(productNegative);
  }
  if (z.isInf) return infinity(z.negative);
  // Units of 2^-48: the product exactly, c shifted up by 24.
  return roundSum(productNegative, x.magnitude * y.magnitude, z.negative, z.magnitude << 24n, 2 * FP16_LSB_EXP);
}

/** Round (±p) + (±q), both magnitudes in units of 2^lsbExp. An exact zero is -0 only if both terms are negative (zeros). */
function roundSum(pNegative: boolean, p: bigint, qNegative: boolean, q: bigint, lsbExp: number): number {
  if (pNegative === qNegative) return roundToFp16(pNegative, p + q, lsbExp);
  if (p === q) return 0; // exact cancellation: +0 in round-to-nearest
  return p > q ? roundToFp16(pNegative, p - q, lsbExp) : roundToFp16(qNegative, q - p, lsbExp);
}

function infinity(negative: boolean): number {
  return negative ? FP16_NEG_INF : FP16_POS_INF;
}

export function fp16IsNaN(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
}

/** The exact value of a binary16 pattern as a JS number (every binary16 value is a double). */
export function fp16ToNumber(bits: number): number {
  const f = fp16Fields(bits);
  if (f.isNaN) return NaN;
  const sign = f.negative ? -1 : 1;
  if (f.isInf) return sign * Infinity;
  return sign * Number(f.magnitude) * 2 ** FP16_LSB_EXP;
}

/**
 * The binary16 nearest to a JS number (ties to even). Exact: a double is an
 * integer times a power of two, and that integer is rounded once here.
 */
export function fp16FromNumber(value: number): number {
  if (Number.isNaN(value)) return FP16_NAN;
  const negative = value < 0 || Object.is(value, -0);
  if (!Number.isFinite(value)) return infinity(negative);
  const magnitude = Math.abs(value);
  if (magnitude <= 2 ** -25) return negative ? 0x8000 : 0; // at most half the smallest subnormal: ties to 0
  if (magnitude >= 65520) return infinity(negative); // at least halfway past 65504: rounds up to infinity
  // magnitude = m * 2^e with m an integer in [2^52, 2^53): exact, a double has 53 significant bits.
  let e = Math.floor(Math.log2(magnitude)) - 52;
  while (magnitude / 2 ** e >= 2 ** 53) e++;
  while (magnitude / 2 ** e < 2 ** 52) e--;
  const lsbExp = Math.min(e, FP16_LSB_EXP);
  const m = BigInt(magnitude / 2 ** e) << BigInt(e - lsbExp);
  return roundToFp16(negative, m, lsbExp);
}
