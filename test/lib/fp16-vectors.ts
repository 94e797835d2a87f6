// Reference vectors for the FP16 units, written by scripts/fp16-reference.py (numpy float16
// for add/mul, exact fractions rounded once for FMA). The committed set is test/lib/fp16-vectors/;
// HASHI_FP16_VECTORS=<dir> points at a larger set made by the same script (e.g. 10^6 random).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fp16IsNaN } from '../../lib/float/fp16-model.ts';

export type Fp16Op = 'add' | 'mul' | 'fma';
const fieldsPerRecord: Record<Fp16Op, number> = { add: 4, mul: 3, fma: 4 };

export const committedVectorsDir = join(import.meta.dirname, 'fp16-vectors');

/** Records of the op as rows: add [a, b, negate, sum], mul [a, b, product], fma [a, b, c, y]. */
export function readFp16Vectors(op: Fp16Op, dir = committedVectorsDir): Uint16Array[] {
  const bytes = readFileSync(join(dir, `${op}.bin`));
  const words = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const n = fieldsPerRecord[op];
  const rows: Uint16Array[] = [];
  for (let i = 0; i + n <= words.length; i += n) rows.push(words.subarray(i, i + n));
  return rows;
}

/** Equal as IEEE results: the same bits, or both NaN (a NaN's payload is not specified). */
export function sameFp16(actual: number, expected: number): boolean {
  return actual === expected || (fp16IsNaN(actual) && fp16IsNaN(expected));
}

export const hex = (x: number): string => `0x${x.toString(16).padStart(4, '0')}`;
