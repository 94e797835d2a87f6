/**
 * Reproducible random weights and activations for tests (hardware and
 * software alike), drawn from a `Prng` in a fixed order so that a seed pins the
 * data exactly.
 */
import { rawMax, rawMin, type QFormat } from '../fixed/format.ts';
import type { ExpRange } from '../po2/exp-range.ts';
import { PO2_ZERO, type Po2 } from '../po2/po2.ts';
import { fixedTensor, type FixedTensor, type Shape3 } from '../golden/tensor.ts';
import type { Prng } from './prng.ts';

/** n Po2 weights: each zero with probability `zeroFrac`, else a uniform sign and a uniform exponent in the range. */
export function randomPo2Weights(p: Prng, n: number, range: ExpRange, zeroFrac = 0.2): Po2[] {
  if (!Number.isFinite(range.expMin) || !Number.isFinite(range.expMax)) throw new RangeError('randomPo2Weights: needs a bounded range');
  return Array.from({ length: n }, () => (p.nextFloat() < zeroFrac ? PO2_ZERO : { sign: p.nextU32() & 1 ? 1 : -1, exp: p.int(range.expMin, range.expMax) }));
}

/**
 * A tensor uniform over the raw range of fmt, with each extreme code
 * (minimum, maximum) over-represented at probability `extremeFrac` / 2 to hit
 * the saturation corners.
 */
export function randomTensor(p: Prng, shape: Shape3, fmt: QFormat, extremeFrac = 0.2): FixedTensor {
  const n = shape[0] * shape[1] * shape[2];
  const data = Array.from({ length: n }, () => {
    const u = p.nextFloat();
    if (u < extremeFrac / 2) return rawMin(fmt);
    if (u < extremeFrac) return rawMax(fmt);
    return p.fixedRaw(fmt);
  });
  return fixedTensor(shape, fmt, data);
}
