// Shared helpers for the lib tests (not a test file itself).
import { PO2_ZERO, Prng, fixedTensor, type ExpRange, type FixedTensor, type Po2, type QFormat } from '../../lib/index.ts';

/** Random Po2 weights: a fraction `zeroFrac` zero, the rest uniform in sign and in [expMin, expMax]. */
export function randomPo2(p: Prng, n: number, range: ExpRange, zeroFrac = 0.2): Po2[] {
  return Array.from({ length: n }, () => (p.nextFloat() < zeroFrac ? PO2_ZERO : { sign: p.nextU32() & 1 ? 1 : -1, exp: p.int(range.expMin, range.expMax) }));
}

/** Random tensor over the full raw range of fmt, with the extreme codes over-represented. */
export function randomTensor(p: Prng, shape: readonly [number, number, number], fmt: QFormat): FixedTensor {
  const n = shape[0] * shape[1] * shape[2];
  const data = Array.from({ length: n }, () => {
    const u = p.nextFloat();
    if (u < 0.1) return -(1n << BigInt(fmt.int + fmt.frac - 1));
    if (u < 0.2) return (1n << BigInt(fmt.int + fmt.frac - 1)) - 1n;
    return p.fixedRaw(fmt);
  });
  return fixedTensor(shape, fmt, data);
}

export function po2Real(w: Po2): number {
  return w.sign === 0 ? 0 : w.sign * 2 ** w.exp;
}
