// Shared helpers for the lib tests (not a test file itself).
import { randomPo2Weights, randomTensor, tensorToReals, type FixedTensor, type Po2 } from '../../lib/index.ts';

export { randomTensor };
export const randomPo2 = randomPo2Weights;

/** Independent of lib's po2Value on purpose: the float references use this. */
export function po2Real(w: Po2): number {
  return w.sign === 0 ? 0 : w.sign * Math.pow(2, w.exp);
}

/**
 * Naive float reference, written independently of the golden model: build an
 * explicitly zero-padded image, then slide the window. All values are small
 * dyadic rationals, so every double operation here is exact.
 */
export function floatConv(
  x: FixedTensor,
  w: readonly Po2[],
  outC: number,
  k: number,
  stride: number,
  pad: number,
  depthwise: boolean,
  bias?: readonly number[],
): { h: number; w: number; data: number[] } {
  const [H, W, C] = x.shape;
  const xs = tensorToReals(x);
  const HP = H + 2 * pad;
  const WP = W + 2 * pad;
  const padded: number[][][] = [];
  for (let y = 0; y < HP; y++) {
    const row: number[][] = [];
    for (let xx = 0; xx < WP; xx++) {
      const px: number[] = [];
      for (let c = 0; c < C; c++) {
        const inside = y >= pad && y < pad + H && xx >= pad && xx < pad + W;
        px.push(inside ? (xs[((y - pad) * W + (xx - pad)) * C + c] as number) : 0);
      }
      row.push(px);
    }
    padded.push(row);
  }
  const OH = Math.floor((HP - k) / stride) + 1;
  const OW = Math.floor((WP - k) / stride) + 1;
  const out: number[] = [];
  for (let oy = 0; oy < OH; oy++)
    for (let ox = 0; ox < OW; ox++)
      for (let o = 0; o < outC; o++) {
        let s = bias?.[o] ?? 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const px = padded[oy * stride + ky]?.[ox * stride + kx] as number[];
            if (depthwise) s += (px[o] as number) * po2Real(w[(ky * k + kx) * C + o] as Po2);
            else for (let i = 0; i < C; i++) s += (px[i] as number) * po2Real(w[((o * k + ky) * k + kx) * C + i] as Po2);
          }
        out.push(s);
      }
  return { h: OH, w: OW, data: out };
}

