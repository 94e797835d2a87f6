// Elaboration-time integer math for sizing hardware (chisel3.util's log2Ceil and
// friends), exact for any non-negative integer (bigint, no floating-point log).

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function check(n: number | bigint, min: bigint, what: string): bigint {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`${what}(${n}) needs an integer`);
  const v = BigInt(n);
  if (v < min) throw new RangeError(`${what}(${n}) needs a value of at least ${min}`);
  return v;
}

/** Bits to count `n` things (0 .. n-1): ceil(log2(n)); log2Ceil(1) = 0, log2Ceil(5) = 3. */
export function log2Ceil(n: number | bigint): number {
  return bitLength(check(n, 1n, 'log2Ceil') - 1n);
}

/** log2Ceil, but at least 1 (a hardware field has one bit at least): log2Up(1) = 1. */
export function log2Up(n: number | bigint): number {
  return Math.max(1, log2Ceil(check(n, 1n, 'log2Up')));
}

/** floor(log2(n)) for n >= 1: log2Floor(5) = 2. */
export function log2Floor(n: number | bigint): number {
  return bitLength(check(n, 1n, 'log2Floor')) - 1;
}

/** True for 1, 2, 4, 8, ... */
export function isPow2(n: number | bigint): boolean {
  const v = check(n, 0n, 'isPow2');
  return v > 0n && (v & (v - 1n)) === 0n;
}
