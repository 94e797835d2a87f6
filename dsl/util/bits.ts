// Bit-level helpers in the spirit of chisel3.util: Cat, Fill, one-hot, PopCount,
// priority encoding, reductions over many signals.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import { Bool, UInt, makeLiteral, mux } from '../values.ts';
import type { Data } from '../values.ts';

function need(cond: boolean, problem: string, hint: string): void {
  if (!cond) throw new HashiError(problem, hint, captureLocator(), 'bad-argument');
}

const asBits = (x: Data): UInt => (x instanceof UInt ? x : (x as unknown as { asUInt(): UInt }).asUInt());

/** Concatenation, first argument in the high bits. */
export function Cat(...values: Data[]): UInt {
  need(values.length > 0, 'Cat() needs at least one value', 'pass the values to concatenate, most significant first');
  return values.slice(1).reduce<UInt>((acc, v) => acc.cat(v), asBits(values[0]!));
}

/** `n` copies of `x` side by side. */
export function Fill(n: number, x: UInt): UInt {
  need(Number.isInteger(n) && n >= 1, `Fill(${n}, ...) needs a positive count`, 'give how many copies');
  return Cat(...Array.from({ length: n }, () => x));
}

/** The bits of `x` as Bools, least significant first. */
export function asBools(x: UInt): Bool[] {
  return Array.from({ length: x.width }, (_, i) => x.bit(i));
}

/** Number of set bits, as a UInt just wide enough. */
export function PopCount(bits: UInt | readonly Bool[]): UInt {
  const list = Array.isArray(bits) ? (bits as readonly Bool[]) : asBools(bits as UInt);
  need(list.length > 0, 'PopCount of nothing', 'pass at least one bit');
  // Balanced tree of additions: each level grows by one bit, never overflows.
  let level: UInt[] = list.map((b) => b as UInt);
  while (level.length > 1) {
    const next: UInt[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.add(level[i + 1]!));
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  const max = list.length;
  const width = Math.max(1, Math.ceil(Math.log2(max + 1)));
  return level[0]!.width > width ? level[0]!.trunc(width) : level[0]!;
}

/** One-hot encoding of `x`: bit x is set, in a `width`-bit result (default 2^x.width). */
export function UIntToOH(x: UInt, width = 2 ** x.width): UInt {
  need(Number.isInteger(width) && width >= 1 && width <= 2 ** x.width, `UIntToOH width ${width} must be between 1 and ${2 ** x.width}`, 'give the number of one-hot bits');
  const one = new UInt(makeLiteral(1n, { kind: 'uint', width: 1 }));
  return one.dshl(x).pad(width).trunc(width);
}

/** Index of the set bit of a one-hot value (undefined if not one-hot). */
export function OHToUInt(oh: UInt | readonly Bool[]): UInt {
  const bits = Array.isArray(oh) ? (oh as readonly Bool[]) : asBools(oh as UInt);
  const width = Math.max(1, Math.ceil(Math.log2(bits.length)));
  let out: UInt = new UInt(makeLiteral(0n, { kind: 'uint', width }));
  bits.forEach((b, i) => {
    if (i > 0) out = out.or(mux(b, new UInt(makeLiteral(BigInt(i), { kind: 'uint', width })), new UInt(makeLiteral(0n, { kind: 'uint', width }))));
  });
  return out;
}

/** Index of the lowest set bit (the last index if none is set). */
export function PriorityEncoder(bits: UInt | readonly Bool[]): UInt {
  const list = Array.isArray(bits) ? (bits as readonly Bool[]) : asBools(bits as UInt);
  const width = Math.max(1, Math.ceil(Math.log2(list.length)));
  const lit = (v: number): UInt => new UInt(makeLiteral(BigInt(v), { kind: 'uint', width }));
  let out = lit(list.length - 1);
  for (let i = list.length - 2; i >= 0; i--) out = mux(list[i]!, lit(i), out);
  return out;
}

/** The lowest set bit alone, as a one-hot value of the same width. */
export function PriorityEncoderOH(bits: UInt): UInt {
  return UIntToOH(PriorityEncoder(bits), bits.width);
}

/** The bits of `x` in reverse order: bit 0 becomes the most significant. */
export function Reverse(x: UInt): UInt {
  return Cat(...asBools(x));
}
