/**
 * Element types of safetensors files and the small floats they use.
 *
 * Supported dtypes (all little-endian in the file) and the typed array a read
 * tensor's `data` uses:
 *   F64 -> Float64Array;  F32, F16, BF16 -> Float32Array (every F16 / BF16 value
 *   is exactly a float32, so decoding loses nothing);  I64 -> BigInt64Array,
 *   U64 -> BigUint64Array;  I32, U32, I16, U16, I8, U8 -> the matching typed
 *   array;  BOOL -> Uint8Array (bytes 0 / 1 only).
 * The 8-bit floats of the format (F8_E4M3, F8_E5M2) are recognised but refused.
 *
 * Small-float encoding (`encodeSmallFloat`) rounds the exact double to the
 * nearest representable value, ties to even (IEEE round-to-nearest-even),
 * straight from the double: no intermediate float32 rounding, so BF16 has no
 * double-rounding error. Values at or above the overflow cut become +-Inf, NaN
 * becomes the canonical quiet NaN, and subnormals are produced and decoded.
 */

export type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'U64' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';

export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

/** Dtypes named by the safetensors format that this module does not decode. */
export const UNSUPPORTED_DTYPES: readonly string[] = Object.freeze(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

export function isFloatDtype(d: Dtype): boolean {
  return d === 'F64' || d === 'F32' || d === 'F16' || d === 'BF16';
}

/** 64-bit integer dtypes hold bigints; the others numbers. */
export function isBigIntDtype(d: Dtype): boolean {
  return d === 'I64' || d === 'U64';
}

/** Inclusive range of an integer dtype (BOOL: 0 .. 1). */
export function intDtypeRange(d: Dtype): readonly [bigint, bigint] | undefined {
  switch (d) {
    case 'I64':
      return [-(1n << 63n), (1n << 63n) - 1n];
    case 'U64':
      return [0n, (1n << 64n) - 1n];
    case 'I32':
      return [-(1n << 31n), (1n << 31n) - 1n];
    case 'U32':
      return [0n, (1n << 32n) - 1n];
    case 'I16':
      return [-32768n, 32767n];
    case 'U16':
      return [0n, 65535n];
    case 'I8':
      return [-128n, 127n];
    case 'U8':
      return [0n, 255n];
    case 'BOOL':
      return [0n, 1n];
    default:
      return undefined;
  }
}

export function allocData(d: Dtype, n: number): TensorData {
  switch (d) {
    case 'F64':
      return new Float64Array(n);
    case 'F32':
    case 'F16':
    case 'BF16':
      return new Float32Array(n);
    case 'I64':
      return new BigInt64Array(n);
    case 'U64':
      return new BigUint64Array(n);
    case 'I32':
      return new Int32Array(n);
    case 'U32':
      return new Uint32Array(n);
    case 'I16':
      return new Int16Array(n);
    case 'U16':
      return new Uint16Array(n);
    case 'I8':
      return new Int8Array(n);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(n);
  }
}

/** A binary small float: `exp` exponent bits, `mant` stored mantissa bits, IEEE-style (bias 2^(exp-1) - 1, inf/NaN at all-ones exponent). */
export interface SmallFloat {
  readonly exp: number;
  readonly mant: number;
}

export const FLOAT16: SmallFloat = Object.freeze({ exp: 5, mant: 10 });
export const BFLOAT16: SmallFloat = Object.freeze({ exp: 8, mant: 7 });

/** Round x (x >= 0, x < 2^53) to an integer, ties to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5 || (d === 0.5 && f % 2 === 1)) return f + 1;
  return f;
}

/** Bit pattern of the small float nearest to x (round to nearest, ties to even). */
export function encodeSmallFloat(x: number, t: SmallFloat): number {
  const signBit = 2 ** (t.exp + t.mant);
  const expAll = 2 ** t.exp - 1;
  if (Number.isNaN(x)) return expAll * 2 ** t.mant + 2 ** (t.mant - 1);
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  const bias = 2 ** (t.exp - 1) - 1;
  const emin = 1 - bias;
  const inf = sign + expAll * 2 ** t.mant;
  // Overflow cut: halfway between the largest finite value and 2^(bias+1); the tie rounds to even = infinity.
  if (a >= (2 - 2 ** -(t.mant + 1)) * 2 ** bias) return inf;
  if (a === 0) return sign;
  if (a < 2 ** emin) {
    // Subnormal grid 2^(emin - mant); a result of 2^mant is the smallest normal's pattern.
    return sign + roundHalfEven(a * 2 ** (t.mant - emin));
  }
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 2 ** t.mant);
  if (m === 2 ** t.mant) {
    m = 0;
    e++;
  }
  if (e > bias) return inf;
  return sign + (e + bias) * 2 ** t.mant + m;
}

/** The value of a small-float bit pattern. */
export function decodeSmallFloat(bits: number, t: SmallFloat): number {
  const mantMask = 2 ** t.mant;
  const expAll = 2 ** t.exp - 1;
  const sign = Math.floor(bits / 2 ** (t.exp + t.mant)) % 2 === 1 ? -1 : 1;
  const e = Math.floor(bits / mantMask) % (expAll + 1);
  const m = bits % mantMask;
  const bias = 2 ** (t.exp - 1) - 1;
  if (e === expAll) return m === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * m * 2 ** (1 - bias - t.mant);
  return sign * (1 + m / mantMask) * 2 ** (e - bias);
}
