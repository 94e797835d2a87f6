/**
 * A small seeded PRNG for reproducible test data: mulberry32 (Tommy Ettinger's
 * 32-bit state generator, period 2^32). Deterministic across platforms: only
 * 32-bit integer arithmetic via Math.imul and >>> 0. Not for cryptography.
 *
 *   state += 0x6D2B79F5;
 *   t = imul(state ^ (state >>> 15), state | 1);
 *   t ^= t + imul(t ^ (t >>> 7), t | 61);
 *   out = (t ^ (t >>> 14)) >>> 0
 */
import { rawMax, rawMin, type QFormat } from '../fixed/format.ts';

export class Prng {
  private state: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Prng seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  nextFloat(): number {
    return this.nextU32() / 2 ** 32;
  }

  /** Uniform integer in [lo, hi] (inclusive); span up to 2^32, by rejection (no modulo bias). */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) throw new RangeError(`Prng.int: bad range [${lo}, ${hi}]`);
    const span = hi - lo + 1;
    if (span > 2 ** 32) throw new RangeError('Prng.int: span above 2^32');
    const limit = Math.floor(2 ** 32 / span) * span;
    let u = this.nextU32();
    while (u >= limit) u = this.nextU32();
    return lo + (u % span);
  }

  /** Uniform bigint in [lo, hi], built from 32-bit chunks by rejection. */
  bigint(lo: bigint, hi: bigint): bigint {
    if (lo > hi) throw new RangeError('Prng.bigint: empty range');
    const span = hi - lo + 1n;
    let bits = 0;
    while (1n << BigInt(bits) < span) bits++;
    for (;;) {
      let r = 0n;
      for (let b = 0; b < bits; b += 32) r = (r << 32n) | BigInt(this.nextU32());
      r &= (1n << BigInt(bits)) - 1n;
      if (r < span) return lo + r;
    }
  }

  /** Uniform raw code of a fixed-point format (full range). */
  fixedRaw(f: QFormat): bigint {
    return this.bigint(rawMin(f), rawMax(f));
  }

  /**
   * Standard normal by Box-Muller (uses two draws). Goes through Math.log,
   * Math.sqrt and Math.cos, so it is reproducible on Node/V8 but not promised
   * bit-for-bit across other runtimes; use nextU32 / int / bigint for data that
   * another language must regenerate.
   */
  normal(): number {
    const u1 = (this.nextU32() + 1) / (2 ** 32 + 1); // in (0, 1)
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('Prng.pick: empty array');
    return xs[this.int(0, xs.length - 1)] as T;
  }
}
