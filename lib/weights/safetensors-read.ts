/**
 * safetensors reader (format of huggingface/safetensors):
 *
 *   bytes 0..7   N, unsigned 64-bit little-endian: the header length
 *   bytes 8..8+N the header: UTF-8 JSON object, starting with '{', possibly
 *                padded at the end with spaces. Keys are tensor names mapping to
 *                {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]},
 *                plus an optional "__metadata__": {string: string}.
 *   the rest     the data buffer. Offsets are relative to its start; each
 *                tensor's bytes are row-major, little-endian.
 *
 * Everything is checked before any data is decoded, and the first problem
 * throws a `SafetensorsError` naming the tensor and what is wrong (never a
 * partial result): header length within the file and at most 100 MB (the
 * reference implementation's limit); UTF-8; JSON; an object; no key twice; `__metadata__`
 * a string map; each entry an object with exactly dtype / shape / data_offsets;
 * dtype known; shape non-negative integers; offsets two integers
 * begin <= end inside the buffer; (product of shape) * element size == end - begin;
 * and the ranges, sorted, tile the buffer exactly: no overlap, no hole, no
 * trailing bytes (the format requires the buffer to be entirely indexed).
 */
import { DTYPE_SIZE, UNSUPPORTED_DTYPES, allocData, decodeSmallFloat, FLOAT16, BFLOAT16, isDtype, type Dtype, type TensorData } from './dtypes.ts';
import { printable } from '../../dsl/index.ts';
import { topLevelKeys } from './json-keys.ts';
import { defineOwn } from './own-property.ts';
import { shapeString, type WeightTensor } from './tensor.ts';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The reference implementation refuses headers above 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;
/** Object, entry, shape array: 3 levels; a little room, and no deep recursion in JSON.parse. */
const MAX_HEADER_DEPTH = 8;
const MAX_TENSORS = 1_000_000;

/** Deepest nesting of objects and arrays in a JSON text (strings skipped), stopping past 10000. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length && max <= 10_000; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x7b || ch === 0x5b) max = Math.max(max, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

export interface SafetensorsContents {
  /** Tensors in header order. */
  readonly tensors: Map<string, WeightTensor>;
  /** The `__metadata__` string map, if the file has one. */
  readonly metadata?: Readonly<Record<string, string>>;
}

interface Entry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];

function fail(msg: string): never {
  throw new SafetensorsError(msg);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function json(x: unknown): string {
  const s = JSON.stringify(x);
  return printable(s === undefined ? String(x) : s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function parseEntry(name: string, v: unknown, dataBytes: number): Entry {
  const t = `tensor '${printable(name)}'`;
  if (!isPlainObject(v)) fail(`${t}: entry must be an object with dtype, shape and data_offsets, got ${json(v)}`);
  for (const k of ENTRY_FIELDS) if (!(k in v)) fail(`${t}: missing field '${k}'`);
  for (const k of Object.keys(v)) if (!ENTRY_FIELDS.includes(k)) fail(`${t}: unknown field '${printable(k)}'`);
  const dt = v['dtype'];
  if (typeof dt !== 'string') fail(`${t}: dtype must be a string, got ${json(dt)}`);
  if (!isDtype(dt)) {
    if (UNSUPPORTED_DTYPES.includes(dt)) fail(`${t}: dtype '${dt}' is not supported by this reader`);
    fail(`${t}: unknown dtype '${printable(dt)}' (known: ${Object.keys(DTYPE_SIZE).join(', ')})`);
  }
  const shape = v['shape'];
  if (!Array.isArray(shape)) fail(`${t}: shape must be an array, got ${json(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`${t}: shape ${json(shape)} has a dimension that is not a non-negative integer`);
  }
  const off = v['data_offsets'];
  if (!Array.isArray(off) || off.length !== 2) fail(`${t}: data_offsets must be [begin, end], got ${json(off)}`);
  const [begin, end] = off as unknown[];
  if (typeof begin !== 'number' || !Number.isSafeInteger(begin) || begin < 0 || typeof end !== 'number' || !Number.isSafeInteger(end) || end < 0) {
    fail(`${t}: data_offsets ${json(off)} must be two non-negative integers`);
  }
  if (end < begin) fail(`${t}: data_offsets [${begin},${end}] end before they begin`);
  // Byte size in bigint: a hostile shape must not overflow into a match.
  let elems = 1n;
  for (const d of shape as number[]) elems *= BigInt(d);
  const need = elems * BigInt(DTYPE_SIZE[dt]);
  if (need !== BigInt(end - begin)) {
    fail(`${t}: shape ${shapeString(shape as number[])} needs ${need} bytes of ${dt} but its data_offsets span ${end - begin}`);
  }
  if (end > dataBytes) fail(`${t}: data_offsets [${begin},${end}] run past the end of the data buffer (${dataBytes} bytes)`);
  return { name, dtype: dt, shape: shape as number[], begin, end };
}

function decode(bytes: Uint8Array, at: number, e: Entry): TensorData {
  const size = DTYPE_SIZE[e.dtype];
  const n = (e.end - e.begin) / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at + e.begin, e.end - e.begin);
  const out = allocData(e.dtype, n);
  switch (e.dtype) {
    case 'F64': {
      const o = out as Float64Array;
      for (let i = 0; i < n; i++) o[i] = view.getFloat64(8 * i, true);
      break;
    }
    case 'F32': {
      const o = out as Float32Array;
      for (let i = 0; i < n; i++) o[i] = view.getFloat32(4 * i, true);
      break;
    }
    case 'F16':
    case 'BF16': {
      const o = out as Float32Array;
      const fmt = e.dtype === 'F16' ? FLOAT16 : BFLOAT16;
      for (let i = 0; i < n; i++) o[i] = decodeSmallFloat(view.getUint16(2 * i, true), fmt);
      break;
    }
    case 'I64': {
      const o = out as BigInt64Array;
      for (let i = 0; i < n; i++) o[i] = view.getBigInt64(8 * i, true);
      break;
    }
    case 'U64': {
      const o = out as BigUint64Array;
      for (let i = 0; i < n; i++) o[i] = view.getBigUint64(8 * i, true);
      break;
    }
    case 'I32': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[i] = view.getInt32(4 * i, true);
      break;
    }
    case 'U32': {
      const o = out as Uint32Array;
      for (let i = 0; i < n; i++) o[i] = view.getUint32(4 * i, true);
      break;
    }
    case 'I16': {
      const o = out as Int16Array;
      for (let i = 0; i < n; i++) o[i] = view.getInt16(2 * i, true);
      break;
    }
    case 'U16': {
      const o = out as Uint16Array;
      for (let i = 0; i < n; i++) o[i] = view.getUint16(2 * i, true);
      break;
    }
    case 'I8': {
      const o = out as Int8Array;
      for (let i = 0; i < n; i++) o[i] = view.getInt8(i);
      break;
    }
    case 'U8':
    case 'BOOL': {
      const o = out as Uint8Array;
      for (let i = 0; i < n; i++) {
        const b = view.getUint8(i);
        if (e.dtype === 'BOOL' && b > 1) fail(`tensor '${printable(e.name)}': BOOL element ${i} is byte ${b}, not 0 or 1`);
        o[i] = b;
      }
      break;
    }
  }
  return out;
}

/** Parse a whole safetensors file held in memory. */
export function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} is above the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8})`);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(`header must start with '{', starts with ${json(text.slice(0, 10))}`);
  const depth = nestingDepth(text);
  if (depth > MAX_HEADER_DEPTH) fail(`header nests ${depth > 10_000 ? 'over 10000' : depth} levels deep; a safetensors header needs ${MAX_HEADER_DEPTH} at most`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) fail('header must be a JSON object');
  const seen = new Set<string>();
  for (const k of topLevelKeys(text)) {
    if (seen.has(k)) fail(k === '__metadata__' ? '__metadata__ appears twice in the header' : `tensor '${printable(k)}' appears twice in the header`);
    seen.add(k);
  }

  const count = Object.keys(header).length;
  if (count > MAX_TENSORS) fail(`header lists ${count} tensors; this reader takes at most ${MAX_TENSORS}`);
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  let metadata: Record<string, string> | undefined;
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(v)) fail(`__metadata__ must be an object of strings, got ${json(v)}`);
      metadata = {};
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') fail(`__metadata__ '${printable(k)}' must be a string, got ${json(s)}`);
        defineOwn(metadata, k, s);
      }
      continue;
    }
    entries.push(parseEntry(name, v, dataBytes));
  }

  // The ranges must tile [0, dataBytes) exactly.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < pos) {
      fail(`tensor '${printable(e.name)}': data_offsets [${e.begin},${e.end}] overlap tensor '${printable(prev?.name ?? '')}' at [${prev?.begin},${prev?.end}]`);
    }
    if (e.begin > pos) fail(`data buffer bytes [${pos},${e.begin}) belong to no tensor (a hole before tensor '${printable(e.name)}')`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataBytes) fail(`data buffer has ${dataBytes - pos} trailing bytes after the last tensor (ranges end at ${pos} of ${dataBytes})`);

  const tensors = new Map<string, WeightTensor>();
  for (const e of entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(bytes, dataStart, e) });
  return metadata === undefined ? { tensors } : { tensors, metadata };
}
