/**
 * Residual add of two same-shape tensors: the exact sum in the grown format
 * (binary points aligned to the larger frac, int = max + 1; see fixed.add), then,
 * if `out` is given, requantized to it (floor, saturate).
 */
import { addFormat, alignRaw } from '../fixed/fixed.ts';
import type { QFormat, Saturation } from '../fixed/format.ts';
import { requantizeTensor, type FixedTensor } from './tensor.ts';

export function residualAdd(a: FixedTensor, b: FixedTensor): FixedTensor;
export function residualAdd<F extends QFormat>(a: FixedTensor, b: FixedTensor, out: F, sat?: Saturation): FixedTensor<F>;
export function residualAdd(a: FixedTensor, b: FixedTensor, out?: QFormat, sat: Saturation = 'full'): FixedTensor {
  if (a.shape.some((d, i) => d !== b.shape[i])) throw new RangeError(`residualAdd: shapes [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  const fmt = addFormat(a.fmt, b.fmt);
  const data = a.data.map((r, i) => alignRaw(r, a.fmt.frac, fmt.frac) + alignRaw(b.data[i] as bigint, b.fmt.frac, fmt.frac));
  const sum: FixedTensor = { shape: a.shape, fmt, data };
  return out === undefined ? sum : requantizeTensor(sum, out, sat);
}
