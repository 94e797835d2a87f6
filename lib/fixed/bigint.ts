/**
 * Exact integer helpers on `bigint`.
 *
 * Number choice for the whole integer-exact library: every raw fixed-point
 * value, accumulator and bias is a `bigint`. Accumulators of wide layers with
 * wide exponent ranges easily pass 53 bits once batch-norm scales are folded
 * in, and a golden model must never round silently, so no raw value is ever a
 * `number`. `number` is used only for small structural integers (bit counts,
 * exponents, shapes, indices), which are checked with `Number.isSafeInteger`.
 */

/** floor(x * 2^k) for any integer k: a left shift for k >= 0, an arithmetic (flooring) right shift for k < 0. */
export function floorShift(x: bigint, k: number): bigint {
  checkInt(k, 'shift');
  return k >= 0 ? x << BigInt(k) : x >> BigInt(-k);
}

/** floor(a / b) for b > 0 (bigint `/` truncates toward zero; this floors toward -infinity). */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError(`floorDiv: divisor must be positive, got ${b}`);
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

export function clampBig(x: bigint, lo: bigint, hi: bigint): bigint {
  if (lo > hi) throw new RangeError(`clampBig: empty range [${lo}, ${hi}]`);
  return x < lo ? lo : x > hi ? hi : x;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Smallest two's-complement width W >= 1 with -2^(W-1) <= lo and hi <= 2^(W-1) - 1. */
export function signedWidth(lo: bigint, hi: bigint): number {
  if (lo > hi) throw new RangeError(`signedWidth: empty range [${lo}, ${hi}]`);
  let w = 1;
  while (lo < -(1n << BigInt(w - 1)) || hi > (1n << BigInt(w - 1)) - 1n) w++;
  return w;
}

export function checkInt(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
}
