// Bit patterns with don't-care bits and a decoder over them (chisel3.util's
// BitPat and decoder): instruction decoding and the like.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import type { Bool, UInt } from '../values.ts';
import { U } from '../values.ts';
import { MuxCase } from './mux.ts';

/** A constant pattern of `width` bits: each bit 0, 1 or don't-care (`?`). */
export class BitPat {
  private constructor(
    /** The bits that must be 1 (don't-care bits are 0 here). */
    readonly value: bigint,
    /** 1 where the bit is compared, 0 where it is don't-care. */
    readonly mask: bigint,
    readonly width: number,
  ) {}

  /** `BitPat('b10?1')`: most significant bit first; `_` separates digits. */
  static of(pattern: string): BitPat {
    const m = /^b([01?_]+)$/.exec(pattern);
    if (!m || !/[01?]/.test(m[1]!)) {
      throw new HashiError(`BitPat '${pattern}' is not a pattern`, "write 'b' then 0, 1 or ? for each bit, most significant first, e.g. BitPat.of('b10?1')", captureLocator(), 'bad-argument');
    }
    const digits = m[1]!.replace(/_/g, '');
    let value = 0n;
    let mask = 0n;
    for (const d of digits) {
      value = (value << 1n) | (d === '1' ? 1n : 0n);
      mask = (mask << 1n) | (d === '?' ? 0n : 1n);
    }
    return new BitPat(value, mask, digits.length);
  }

  /** A pattern that matches any value of `width` bits. */
  static dontCare(width: number): BitPat {
    return new BitPat(0n, 0n, width);
  }

  /** True when `x` has this pattern's bits where they are not don't-care. */
  matches(x: UInt): Bool {
    if (x.width !== this.width) {
      throw new HashiError(`BitPat of ${this.width} bits compared with a ${x.width}-bit value`, 'write the pattern with as many bits as the value, or slice the value with .bits(hi, lo)', captureLocator(), 'bad-width');
    }
    return x.and(this.mask).eq(this.value);
  }

  /** `b10?1`. */
  toString(): string {
    let s = '';
    for (let i = this.width - 1; i >= 0; i--) {
      const bit = 1n << BigInt(i);
      s += (this.mask & bit) === 0n ? '?' : (this.value & bit) === 0n ? '0' : '1';
    }
    return `b${s}`;
  }
}

/**
 * The output paired with the first pattern `input` matches, else `dflt`: a truth
 * table with don't-cares, e.g. `decoder(op, [[BitPat.of('b1??'), 3], [BitPat.of('b01?'), 1]], 0)`.
 * The result is as wide as the widest output.
 */
export function decoder(input: UInt, table: readonly (readonly [BitPat, UInt | number | bigint])[], dflt: UInt | number | bigint): UInt {
  if (table.length === 0) throw new HashiError('decoder needs at least one row', 'give [pattern, output] pairs', captureLocator(), 'bad-argument');
  const outputs = [dflt, ...table.map((r) => r[1])];
  const width = Math.max(1, ...outputs.map((o) => (typeof o === 'object' ? o.width : BigInt(o).toString(2).length)));
  const hw = (o: UInt | number | bigint): UInt => (typeof o === 'object' ? o : U(o, width));
  return MuxCase<UInt>(
    hw(dflt),
    table.map(([pat, out]) => [pat.matches(input), hw(out)] as const),
  );
}
