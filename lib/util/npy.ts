/**
 * NumPy .npy files (format versions 1.0-3.0): read float32/float64 C-order arrays, write float32.
 * Bounded: the file size is checked before reading, the header is at most 64 KiB (numpy itself
 * refuses headers above 10,000 bytes by default), and shape x item size must equal the data bytes
 * before anything is allocated. Errors are NpyError naming the file.
 */
import { readFileSync, statSync } from 'node:fs';

export class NpyError extends Error {
  override readonly name = 'NpyError';
}

export interface NpyArray {
  readonly shape: readonly number[];
  /** Row-major (C order) values as float32. */
  readonly data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_HEADER = 65536;

export function readNpyFile(path: string, maxBytes = 1024 * 2 ** 20): NpyArray {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new NpyError(`${path}: cannot read the file (${(e as Error).message})`);
  }
  if (size > maxBytes) throw new NpyError(`${path}: ${size} bytes is more than the ${maxBytes}-byte limit`);
  return parseNpy(readFileSync(path), path);
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (msg: string): never => {
    throw new NpyError(`${file}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (no \\x93NUMPY magic): save the inputs with numpy.save');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not supported (1.0 to 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLen > MAX_HEADER) fail(`header of ${headerLen} bytes is longer than ${MAX_HEADER}`);
  if (start + headerLen > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1] ?? fail(`header has no 'descr': ${header.trim()}`);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1] ?? fail(`header has no 'fortran_order': ${header.trim()}`);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail(`header has no 'shape': ${header.trim()}`);
  if (fortran !== 'False') fail('Fortran-order arrays are not supported: save a C-order array (numpy.ascontiguousarray)');
  const itemSize = descr === '<f4' ? 4 : descr === '<f8' ? 8 : fail(`dtype '${descr}' is not supported: save float32 ('<f4') or float64 ('<f8') values`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`shape (${shapeText}) is not a tuple of non-negative integers`)));
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (!Number.isSafeInteger(count)) fail(`shape (${shapeText}) is too large`);
  }
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== count * itemSize) fail(`shape (${shapeText}) of '${descr}' needs ${count * itemSize} data bytes, the file has ${bytes.length - dataStart}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = itemSize === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
  return { shape, data };
}

/** A float32 C-order .npy (format 1.0), as numpy.save writes it. */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, d) => a * d, 1);
  if (count !== data.length) throw new RangeError(`encodeNpy: shape (${shape.join(', ')}) holds ${count} values, got ${data.length}`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  for (let i = 0; i < count; i++) view.setFloat32(10 + header.length + 4 * i, data[i]!, true);
  return out;
}
