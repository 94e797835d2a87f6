/**
 * Seeded random Po2 weights with an exact unstructured sparsity, for example
 * designs, tests and sweeps: exactly round(sparsity * n) weights are zero (the
 * same count rule as po2/prune.ts), at positions drawn by a partial
 * Fisher-Yates shuffle; the others get a uniform sign and a uniform exponent in
 * the range. Draw order is fixed, so a seed pins the weights.
 */
import type { ExpRange } from '../po2/exp-range.ts';
import { PO2_ZERO, type Po2 } from '../po2/po2.ts';
import { pruneCount } from '../po2/prune.ts';
import type { Prng } from '../util/prng.ts';

export function randomSparsePo2(p: Prng, n: number, range: ExpRange, sparsity: number): Po2[] {
  if (!Number.isFinite(range.expMin) || !Number.isFinite(range.expMax)) throw new RangeError('randomSparsePo2: needs a bounded range');
  const ws: Po2[] = Array.from({ length: n }, () => ({ sign: p.nextU32() & 1 ? 1 : -1, exp: p.int(range.expMin, range.expMax) }));
  const order = Array.from({ length: n }, (_, i) => i);
  const zeros = pruneCount(n, sparsity);
  for (let i = 0; i < zeros; i++) {
    const j = p.int(i, n - 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
    ws[order[i] as number] = PO2_ZERO;
  }
  return ws;
}
