/**
 * Fixed-point activation tensors, layout HWC (NHWC with the batch dimension
 * dropped): element (y, x, c) of an H x W x C tensor is data[(y * W + x) * C + c].
 * One format for the whole tensor.
 */
import { formatName, rawMax, rawMin, type QFormat, type Saturation } from '../fixed/format.ts';
import { requantizeRaw } from '../fixed/fixed.ts';
import type { RoundingMode } from '../fixed/rounding.ts';
import { quantizeReal, rawToReal } from '../fixed/quantize.ts';

export type Shape3 = readonly [h: number, w: number, c: number];

export interface FixedTensor<F extends QFormat = QFormat> {
  readonly shape: Shape3;
  readonly fmt: F;
  readonly data: readonly bigint[];
}

export function shapeSize(s: Shape3): number {
  return s[0] * s[1] * s[2];
}

export function hwcIndex(s: Shape3, y: number, x: number, c: number): number {
  return (y * s[1] + x) * s[2] + c;
}

/** A checked tensor: shape positive integers, data length matches, every raw fits fmt. */
export function fixedTensor<F extends QFormat>(shape: Shape3, fmt: F, data: readonly bigint[]): FixedTensor<F> {
  for (const d of shape) if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`bad shape [${shape.join(', ')}]`);
  if (data.length !== shapeSize(shape)) throw new RangeError(`tensor data length ${data.length} != ${shapeSize(shape)}`);
  const lo = rawMin(fmt);
  const hi = rawMax(fmt);
  for (const v of data) if (v < lo || v > hi) throw new RangeError(`raw ${v} outside ${formatName(fmt)}`);
  return { shape: [shape[0], shape[1], shape[2]], fmt, data };
}

export function tensorFromReals<F extends QFormat>(shape: Shape3, fmt: F, xs: readonly number[], sat: Saturation = 'full'): FixedTensor<F> {
  return fixedTensor(shape, fmt, xs.map((x) => quantizeReal(x, fmt, sat)));
}

export function tensorToReals(t: FixedTensor): number[] {
  return t.data.map((r) => rawToReal(r, t.fmt.frac));
}

/** Floor-shift (or round half-even) and saturate every element to `to` (see `requantize`). */
export function requantizeTensor<F extends QFormat>(t: FixedTensor, to: F, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): FixedTensor<F> {
  return { shape: t.shape, fmt: to, data: t.data.map((r) => requantizeRaw(r, t.fmt.frac, to, sat, rounding)) };
}

/** Read one element (throws outside the tensor). */
export function tensorAt(t: FixedTensor, y: number, x: number, c: number): bigint {
  const v = t.data[hwcIndex(t.shape, y, x, c)];
  if (v === undefined || y < 0 || x < 0 || c < 0 || y >= t.shape[0] || x >= t.shape[1] || c >= t.shape[2]) {
    throw new RangeError(`index (${y}, ${x}, ${c}) outside [${t.shape.join(', ')}]`);
  }
  return v;
}
