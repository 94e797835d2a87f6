// Shared fast-check arbitraries for the lib tests (not a test file itself).
import fc from 'fast-check';
import { qformat, rawMax, rawMin, type QFormat } from '../../lib/index.ts';

/** Formats of width 1..24 with frac in [-4, 12] (so int may be <= 0 or large). */
export const arbFormat: fc.Arbitrary<QFormat> = fc
  .record({ width: fc.integer({ min: 1, max: 24 }), frac: fc.integer({ min: -4, max: 12 }) })
  .map(({ width, frac }) => qformat(width - frac, frac));

/** Ordinary activation-like formats: int 1..6, frac 0..8. */
export const arbActFormat: fc.Arbitrary<QFormat> = fc
  .record({ int: fc.integer({ min: 1, max: 6 }), frac: fc.integer({ min: 0, max: 8 }) })
  .map(({ int, frac }) => qformat(int, frac));

export function arbRaw(f: QFormat): fc.Arbitrary<bigint> {
  return fc.bigInt({ min: rawMin(f), max: rawMax(f) });
}

export const arbFormatAndRaw: fc.Arbitrary<[QFormat, bigint]> = arbFormat.chain((f) => arbRaw(f).map((r) => [f, r] as [QFormat, bigint]));
