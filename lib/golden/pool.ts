/**
 * Pooling on HWC tensors.
 *
 * Global average pooling, H x W x C -> 1 x 1 x C: the per-channel sum S of the
 * H*W raw values (frac n) is exact; the output raw at the output frac f is
 *     round(S * 2^(f - n) / (H * W))
 * the exact quotient rounded once ('floor': toward -infinity, the same rule as
 * every other requantization; 'half-even': to nearest, ties to even, as ONNX
 * QuantizeLinear after a float mean), then saturated to the output format.
 * When H*W is a power of two the floor is one arithmetic right shift;
 * otherwise (7 x 7 = 49) hardware must reproduce it exactly.
 *
 * Average pooling over k x k windows: the same, per window, dividing by k^2
 * (countIncludePad) or by the taps inside the frame (ONNX's default).
 * Max pooling: the largest raw in each window, padding positions ignored; the
 * format is kept (no requantization).
 */
import type { QFormat, Saturation } from '../fixed/format.ts';
import { saturateRaw } from '../fixed/quantize.ts';
import { roundDiv, type RoundingMode } from '../fixed/rounding.ts';
import { convAxis } from './geometry.ts';
import { hwcIndex, type FixedTensor } from './tensor.ts';

/** round(sum of `count` raws (frac n) * 2^(f - n) / count) to `out`, saturated. */
function meanRaw(s: bigint, count: number, inFrac: number, out: QFormat, sat: Saturation, rounding: RoundingMode): bigint {
  const d = out.frac - inFrac;
  const num = d >= 0 ? s << BigInt(d) : s;
  const den = d >= 0 ? BigInt(count) : BigInt(count) << BigInt(-d);
  return saturateRaw(roundDiv(num, den, rounding), out, sat);
}

export function globalAvgPool<F extends QFormat>(x: FixedTensor, out: F, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): FixedTensor<F> {
  const [H, W, C] = x.shape;
  const data: bigint[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0n;
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) s += x.data[hwcIndex(x.shape, y, xx, c)] as bigint;
    data.push(meanRaw(s, H * W, x.fmt.frac, out, sat, rounding));
  }
  return { shape: [1, 1, C], fmt: out, data };
}

export interface PoolWindow {
  readonly kernel: number;
  readonly stride: number;
  /** Symmetric padding (default 0). */
  readonly padding?: number;
}

/** Visit every output position with the in-frame input rows/columns of its window. */
function windows(x: FixedTensor, w: PoolWindow, visit: (oy: number, ox: number, ys: number[], xs: number[]) => void): [number, number] {
  const p = w.padding ?? 0;
  const ay = convAxis(x.shape[0], w.kernel, w.stride, p);
  const ax = convAxis(x.shape[1], w.kernel, w.stride, p);
  const span = (o: number, size: number): number[] => {
    const r: number[] = [];
    for (let t = 0; t < w.kernel; t++) {
      const i = o * w.stride - p + t;
      if (i >= 0 && i < size) r.push(i);
    }
    return r;
  };
  for (let oy = 0; oy < ay.out; oy++) for (let ox = 0; ox < ax.out; ox++) visit(oy, ox, span(oy, x.shape[0]), span(ox, x.shape[1]));
  return [ay.out, ax.out];
}

export function maxPool<F extends QFormat>(x: FixedTensor<F>, w: PoolWindow): FixedTensor<F> {
  if ((w.padding ?? 0) >= w.kernel) throw new RangeError(`maxPool: padding ${w.padding} must be less than the kernel ${w.kernel}`);
  const C = x.shape[2];
  const out: bigint[] = [];
  const [OH, OW] = windows(x, w, (_oy, _ox, ys, xs) => {
    for (let c = 0; c < C; c++) {
      let m: bigint | undefined;
      for (const y of ys) for (const xx of xs) {
        const v = x.data[hwcIndex(x.shape, y, xx, c)] as bigint;
        if (m === undefined || v > m) m = v;
      }
      out.push(m as bigint);
    }
  });
  return { shape: [OH, OW, C], fmt: x.fmt, data: out };
}

export function avgPool<F extends QFormat>(x: FixedTensor, w: PoolWindow & { readonly countIncludePad?: boolean }, out: F, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): FixedTensor<F> {
  const C = x.shape[2];
  const data: bigint[] = [];
  const [OH, OW] = windows(x, w, (_oy, _ox, ys, xs) => {
    const count = w.countIncludePad ? w.kernel * w.kernel : ys.length * xs.length;
    for (let c = 0; c < C; c++) {
      let s = 0n;
      for (const y of ys) for (const xx of xs) s += x.data[hwcIndex(x.shape, y, xx, c)] as bigint;
      data.push(meanRaw(s, count, x.fmt.frac, out, sat, rounding));
    }
  });
  return { shape: [OH, OW, C], fmt: out, data };
}
