/**
 * Named tensors as read from (and written to) weight files: a dtype, a shape
 * (outermost first, row-major, as PyTorch and safetensors use) and the data.
 * A state dict is a map from torchvision key names to such tensors.
 */
import { isBigIntDtype, type Dtype, type TensorData } from './dtypes.ts';

export interface WeightTensor {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** A state dict: tensor name -> tensor (a Map keeps insertion order). */
export type StateDict = ReadonlyMap<string, WeightTensor>;

/** The data of a tensor to write: numbers, or bigints for I64 / U64 (numbers that are safe integers also accepted there). */
export interface TensorInput {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Number of elements (1 for shape []), or throws for a dimension that is not a non-negative safe integer or a product above 2^53. */
export function shapeElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`shape ${shapeString(shape)}: dimension ${d} is not a non-negative integer`);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new RangeError(`shape ${shapeString(shape)}: element count above 2^53`);
  }
  return n;
}

/**
 * The values of a tensor as doubles (64-bit integers must be safe integers).
 * `name` only serves the error message.
 */
export function tensorNumbers(t: WeightTensor, name = 'tensor'): number[] {
  const out = new Array<number>(t.data.length);
  if (isBigIntDtype(t.dtype)) {
    const d = t.data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < d.length; i++) {
      const v = d[i] as bigint;
      const x = Number(v);
      if (!Number.isSafeInteger(x)) throw new RangeError(`${name}: element ${i} = ${v} is not a safe integer`);
      out[i] = x;
    }
  } else {
    const d = t.data as Exclude<TensorData, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < d.length; i++) out[i] = d[i] as number;
  }
  return out;
}

/** A state dict from a plain object or a Map. */
export function toStateDict(x: StateDict | Readonly<Record<string, WeightTensor>>): StateDict {
  return x instanceof Map ? x : new Map(Object.entries(x as Readonly<Record<string, WeightTensor>>));
}
