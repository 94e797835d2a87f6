// Shared helpers for the lib tests (not a test file itself).
import { randomPo2Weights, randomTensor, type Po2 } from '../../lib/index.ts';

export { randomTensor };
export const randomPo2 = randomPo2Weights;

/** Independent of lib's po2Value on purpose: the float references use this. */
export function po2Real(w: Po2): number {
  return w.sign === 0 ? 0 : w.sign * Math.pow(2, w.exp);
}
