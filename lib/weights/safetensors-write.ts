/**
 * safetensors writer. Any supported dtype (see dtypes.ts); floats are rounded
 * to the target type to nearest, ties to even (F32 via Float32Array, F16 / BF16
 * via `encodeSmallFloat` straight from the double). Integer dtypes need
 * integers in range (bigints or safe-integer numbers); BOOL needs 0 / 1.
 *
 * Layout, as the reference writer does it: tensors sorted by element size
 * (largest first) then name, packed back to back from offset 0, and the header
 * padded with spaces to a multiple of 8 bytes, so every tensor starts at a
 * file offset that is a multiple of its element size.
 */
import { DTYPE_SIZE, BFLOAT16, FLOAT16, encodeSmallFloat, intDtypeRange, isDtype, isFloatDtype } from './dtypes.ts';
import { defineOwn } from './own-property.ts';
import { SafetensorsError } from './safetensors-read.ts';
import { shapeElements, shapeString, type TensorInput } from './tensor.ts';

function fail(msg: string): never {
  throw new SafetensorsError(msg);
}

function checkValues(name: string, t: TensorInput, n: number): void {
  if (isFloatDtype(t.dtype)) {
    for (let i = 0; i < n; i++) if (typeof t.data[i] !== 'number') fail(`tensor '${name}': element ${i} of a ${t.dtype} tensor is not a number`);
    return;
  }
  const [lo, hi] = intDtypeRange(t.dtype) ?? [0n, 0n];
  for (let i = 0; i < n; i++) {
    const v = t.data[i];
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else fail(`tensor '${name}': element ${i} = ${String(v)} is not an integer (dtype ${t.dtype})`);
    if (b < lo || b > hi) fail(`tensor '${name}': element ${i} = ${b} is outside ${t.dtype} [${lo}, ${hi}]`);
  }
}

function encodeInto(view: DataView, at: number, t: TensorInput, n: number): void {
  const num = (i: number): number => Number(t.data[i]);
  const big = (i: number): bigint => BigInt(t.data[i] as number | bigint);
  switch (t.dtype) {
    case 'F64':
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, num(i), true);
      break;
    case 'F32':
      for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, num(i), true);
      break;
    case 'F16':
    case 'BF16': {
      const fmt = t.dtype === 'F16' ? FLOAT16 : BFLOAT16;
      for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, encodeSmallFloat(num(i), fmt), true);
      break;
    }
    case 'I64':
      for (let i = 0; i < n; i++) view.setBigInt64(at + 8 * i, big(i), true);
      break;
    case 'U64':
      for (let i = 0; i < n; i++) view.setBigUint64(at + 8 * i, big(i), true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) view.setInt32(at + 4 * i, num(i), true);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) view.setUint32(at + 4 * i, num(i), true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) view.setInt16(at + 2 * i, num(i), true);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, num(i), true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) view.setInt8(at + i, num(i));
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < n; i++) view.setUint8(at + i, num(i));
      break;
  }
}

/** Serialize tensors (a Map or a plain object, name -> tensor) and optional string metadata to a safetensors file image. */
export function writeSafetensors(
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const list: [string, TensorInput][] = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Readonly<Record<string, TensorInput>>);
  const sizes = new Map<string, number>();
  for (const [name, t] of list) {
    if (name === '__metadata__') fail(`'__metadata__' is reserved and cannot name a tensor`);
    if (name.length === 0) fail('a tensor name is empty');
    if (!isDtype(t.dtype)) fail(`tensor '${name}': unknown dtype '${String(t.dtype)}'`);
    let n: number;
    try {
      n = shapeElements(t.shape);
    } catch (e) {
      fail(`tensor '${name}': ${(e as Error).message}`);
    }
    if (t.data.length !== n) fail(`tensor '${name}': shape ${shapeString(t.shape)} has ${n} elements but the data has ${t.data.length}`);
    checkValues(name, t, n);
    sizes.set(name, n);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata '${k}' must be a string`);
  }
  list.sort(([a, ta], [b, tb]) => DTYPE_SIZE[tb.dtype] - DTYPE_SIZE[ta.dtype] || (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header['__metadata__'] = { ...metadata };
  let pos = 0;
  const at: number[] = [];
  for (const [name, t] of list) {
    const bytes = (sizes.get(name) as number) * DTYPE_SIZE[t.dtype];
    defineOwn(header, name, { dtype: t.dtype, shape: [...t.shape], data_offsets: [pos, pos + bytes] });
    at.push(pos);
    pos += bytes;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(headerBytes);
    headerBytes = p;
  }
  const out = new Uint8Array(8 + headerBytes.length + pos);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const dataStart = 8 + headerBytes.length;
  list.forEach(([name, t], i) => encodeInto(view, dataStart + (at[i] as number), t, sizes.get(name) as number));
  return out;
}
