/**
 * Global average pooling in hardware, exactly as golden/pool.ts:
 *   out = saturate(floor(S * 2^(f - n) / (H * W)))   per channel,
 * S the exact channel sum (a Po2 adder tree with all weights +1).
 *
 * The divisor H*W*2^max(n-f, 0) is split into 2^t * D with D odd. The 2^t part
 * is an arithmetic shift (wiring). A D > 1 (7 x 7 = 49) is a floor division by a
 * constant with no divider and no multiplier: the value is offset to be
 * non-negative (y = v + off, off a multiple of D), multiplied by the constant
 * M = ceil(2^s / D) as a shift-and-add tree over M's canonical signed digits,
 * then shifted right by s. With e = M * D - 2^s (0 <= e < D), floor(y * M / 2^s)
 * equals floor(y / D) for every y in [0, Y] whenever Y * e < 2^s; s is the
 * smallest such shift (`reciprocalShift`).
 */
import { mux } from '../../dsl/index.ts';
import type { SIntValue } from '../../dsl/index.ts';
import type { RoundingMode } from '../fixed/rounding.ts';
import { floorDiv, signedWidth } from '../fixed/bigint.ts';
import { qformat, type QFormat, type Saturation } from '../fixed/format.ts';
import { EXACT } from '../golden/accumulate.ts';
import { hwcIndex } from '../golden/tensor.ts';
import { po2 } from '../po2/po2.ts';
import { po2AdderTree } from './adder-tree.ts';
import type { HwTensor } from './layers.ts';
import { requantizeHw } from './post.ts';

/** Canonical signed digits of m > 0: m = sum d_i 2^i, d_i in {-1, 0, 1}, no two adjacent nonzero. */
export function csdDigits(m: bigint): { digit: 1 | -1; shift: number }[] {
  if (m <= 0n) throw new RangeError(`csdDigits: need m > 0, got ${m}`);
  const out: { digit: 1 | -1; shift: number }[] = [];
  let i = 0;
  while (m !== 0n) {
    if (m & 1n) {
      const d: 1 | -1 = (m & 3n) === 1n ? 1 : -1;
      out.push({ digit: d, shift: i });
      m -= BigInt(d);
    }
    m >>= 1n;
    i++;
  }
  return out;
}

/** Smallest s with Y * (ceil(2^s / D) * D - 2^s) < 2^s, and M = ceil(2^s / D). */
export function reciprocalShift(D: bigint, Y: bigint): { s: number; M: bigint } {
  if (D < 1n || Y < 0n) throw new RangeError('reciprocalShift: need D >= 1, Y >= 0');
  for (let s = 0; ; s++) {
    const p = 1n << BigInt(s);
    const M = (p + D - 1n) / D;
    if (Y * (M * D - p) < p) return { s, M };
  }
}

/** floor(v / D) for a constant D >= 1, v in [lo, hi]: shift-add reciprocal, no $div or $mul. */
export function floorDivConstHw(v: SIntValue, lo: bigint, hi: bigint, D: bigint): { out: SIntValue; lo: bigint; hi: bigint } {
  const qlo = floorDiv(lo, D);
  const qhi = floorDiv(hi, D);
  if (D === 1n) return { out: v, lo, hi };
  const off = lo < 0n ? ((-lo + D - 1n) / D) * D : 0n;
  const Y = hi + off;
  const y = off === 0n ? v : v.add(off).trunc(signedWidth(lo + off, Y));
  const wy = signedWidth(0n, Y);
  const yv = y.width < wy ? y.pad(wy) : y.width > wy ? y.trunc(wy) : y;
  const { s, M } = reciprocalShift(D, Y);
  const terms = csdDigits(M).map((d) => ({ x: yv, w: po2(d.digit, d.shift) }));
  const prod = po2AdderTree(terms, { act: qformat(wy, 0), accFrac: 0, mode: EXACT }).out;
  const q0hi = Y / D;
  const q0 = prod.shr(s).trunc(signedWidth(0n, q0hi));
  const q = off === 0n ? q0 : q0.sub(off / D).trunc(signedWidth(qlo, qhi));
  return { out: q, lo: qlo, hi: qhi };
}

/**
 * The division step of global average pooling, on one channel's exact sum S
 * (raw at `inFrac`, value range [lo, hi]) of `count` values:
 * saturate(floor(S * 2^(out.frac - inFrac) / count)) as an SInt of
 * formatWidth(out) bits. Shared by `globalAvgPoolHw` and the streaming pool.
 */
export function avgFromSumHw(sum: SIntValue, range: readonly [bigint, bigint], count: number, inFrac: number, out: QFormat, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): SIntValue {
  const d = out.frac - inFrac;
  if (rounding === 'half-even') return avgHalfEvenHw(sum, range, count, d, out, sat);
  let den = d >= 0 ? BigInt(count) : BigInt(count) << BigInt(-d);
  let t = 0;
  while ((den & 1n) === 0n) {
    den >>= 1n;
    t++;
  }
  // num = S * 2^max(d, 0); then floor(num / 2^t) (wiring), then floor(. / den).
  const num = d > 0 ? sum.shl(d) : sum;
  const nlo = range[0] << BigInt(Math.max(d, 0));
  const nhi = range[1] << BigInt(Math.max(d, 0));
  const shifted = t > 0 ? num.shr(t) : num;
  const q = floorDivConstHw(shifted, nlo >> BigInt(t), nhi >> BigInt(t), den);
  return requantizeHw(q.out, out.frac, out, { saturation: sat, range: [q.lo, q.hi] });
}

/**
 * round_half_even(num / D), num = S 2^max(d, 0), D = count 2^max(-d, 0): with
 * h = floor((2 num + D) / 2D) (half rounds up) and h' = floor((2 num + D - 1) / 2D),
 * the quotient is exactly half-way iff h != h', and then it rounds to the even one
 * of h - 1, h: h - (h odd).
 */
function avgHalfEvenHw(sum: SIntValue, range: readonly [bigint, bigint], count: number, d: number, out: QFormat, sat: Saturation): SIntValue {
  const D = d >= 0 ? BigInt(count) : BigInt(count) << BigInt(-d);
  const up = BigInt(Math.max(d, 0)) + 1n;
  const twice = sum.shl(Number(up));
  const [lo, hi] = [range[0] << up, range[1] << up];
  const div = (c: bigint): { out: SIntValue; lo: bigint; hi: bigint } => {
    let den = 2n * D;
    let t = 0;
    while ((den & 1n) === 0n) {
      den >>= 1n;
      t++;
    }
    const v = twice.add(c);
    const shifted = t > 0 ? v.shr(t) : v;
    return floorDivConstHw(shifted, (lo + c) >> BigInt(t), (hi + c) >> BigInt(t), den);
  };
  const h = div(D);
  const h2 = div(D - 1n);
  const tie = h.out.neq(h2.out).and(h.out.bit(0));
  const q = mux(tie, h.out.sub(1), h.out);
  return requantizeHw(q, out.frac, out, { saturation: sat, range: [h.lo - 1n, h.hi] });
}

/** Global average pooling, H x W x C -> 1 x 1 x C (as golden globalAvgPool). */
export function globalAvgPoolHw(x: HwTensor, out: QFormat, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): HwTensor {
  const [H, W, C] = x.shape;
  const data: SIntValue[] = [];
  for (let c = 0; c < C; c++) {
    const terms = [];
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) terms.push({ x: x.data[hwcIndex(x.shape, y, xx, c)] as SIntValue, w: po2(1, 0) });
    const sum = po2AdderTree(terms, { act: x.fmt, accFrac: x.fmt.frac, mode: EXACT });
    data.push(avgFromSumHw(sum.out, sum.range, H * W, x.fmt.frac, out, sat, rounding));
  }
  return { shape: [1, 1, C], fmt: out, data };
}
