/**
 * Global average pooling, H x W x C -> 1 x 1 x C.
 *
 * The per-channel sum S of the H*W raw values (frac n) is exact; the output raw
 * at the output frac f is
 *     floor(S * 2^(f - n) / (H * W))
 * i.e. the exact quotient floored toward -infinity (the same floor rule as
 * every other requantization), then saturated to the output format. When H*W is
 * a power of two this is one arithmetic right shift; otherwise (7 x 7 = 49)
 * hardware must reproduce this floor exactly (e.g. a reciprocal multiply with
 * enough bits, or a divider).
 */
import { floorDiv } from '../fixed/bigint.ts';
import type { QFormat, Saturation } from '../fixed/format.ts';
import { saturateRaw } from '../fixed/quantize.ts';
import { hwcIndex, type FixedTensor } from './tensor.ts';

export function globalAvgPool<F extends QFormat>(x: FixedTensor, out: F, sat: Saturation = 'full'): FixedTensor<F> {
  const [H, W, C] = x.shape;
  const d = out.frac - x.fmt.frac;
  const count = BigInt(H * W);
  const num = (s: bigint): bigint => (d >= 0 ? s << BigInt(d) : s);
  const den = d >= 0 ? count : count << BigInt(-d);
  const data: bigint[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0n;
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) s += x.data[hwcIndex(x.shape, y, xx, c)] as bigint;
    data.push(saturateRaw(floorDiv(num(s), den), out, sat));
  }
  return { shape: [1, 1, C], fmt: out, data };
}
