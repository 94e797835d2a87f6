// The graph's golden model and cost model against references written apart
// from them: rounding against a float rule, grouped conv / max pool / average
// pool against naive float loops (dyadic values: every double is exact), the
// cost model's adders against treeAdders and a built po2AdderTree, and the
// family topologies' weight counts against the published parameter counts.
import { describe, expect, it } from 'vitest';
import { IO, Input, SInt, Vec, defineModule, elaborate } from '../../dsl/index.ts';
import {
  EXACT,
  GraphBuilder,
  Prng,
  Q3_5,
  alignBias,
  familySpec,
  graphGolden,
  layerSlots,
  maxPool,
  avgPool,
  po2AdderTree,
  po2TreeCost,
  randomGraphParams,
  randomPo2Weights,
  randomTensor,
  rawMax,
  rawMin,
  roundDiv,
  roundShift,
  tensorToReals,
  treeAdders,
  withParams,
  type Po2,
} from '../../lib/index.ts';
import { po2Real } from '../lib/helpers.ts';

/** Round half to even on a double that is exactly a dyadic rational. */
function halfEvenReal(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

describe('rounding', () => {
  it('roundShift and roundDiv match the float rules on every value around the ties', () => {
    for (let x = -70; x <= 70; x++)
      for (const k of [1, 2, 3]) {
        expect(Number(roundShift(BigInt(x), -k, 'half-even'))).toBe(halfEvenReal(x / 2 ** k));
        expect(Number(roundShift(BigInt(x), -k, 'floor'))).toBe(Math.floor(x / 2 ** k));
      }
    for (let a = -100; a <= 100; a++)
      for (const b of [1, 2, 3, 6, 49]) {
        // a / b in floats is not always exact; decide the half-way case by integers.
        const q = Math.floor(a / b);
        const r2 = 2 * (a - q * b);
        const want = r2 > b ? q + 1 : r2 < b ? q : q % 2 === 0 ? q : q + 1;
        expect(Number(roundDiv(BigInt(a), BigInt(b), 'half-even'))).toBe(want);
      }
  });
});

describe('graph golden model', () => {
  it('a grouped conv, max pool and average pool equal naive float loops', () => {
    const p = new Prng(21);
    const C = 4;
    const b = new GraphBuilder<null>('ops', { name: 'x', shape: [5, 6, C], fmt: Q3_5 });
    const conv = b.conv('g', b.input, { outChannels: 6, kernel: 3, stride: 2, groups: 2 }, null);
    b.maxPool('mp', b.input, { kernel: 3, stride: 2, padding: 1 });
    const g = withParams(b.build(conv), randomGraphParams({ seed: 3, biasFormat: null }));
    const w = (g.nodes[0] as { params: { weights: readonly Po2[] } }).params.weights;
    const x = randomTensor(p, [5, 6, C], Q3_5);
    const xs = tensorToReals(x);
    const at = (y: number, xx: number, c: number): number => xs[(y * 6 + xx) * C + c] as number;
    const got = graphGolden(g, x).output;
    const acc = got.data.map((r) => Number(r) * 2 ** -got.fmt.frac);
    const want: number[] = [];
    for (let oy = 0; oy < 3; oy++)
      for (let ox = 0; ox < 3; ox++)
        for (let o = 0; o < 6; o++) {
          let s = 0;
          const grp = Math.floor(o / 3);
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++)
              for (let i = 0; i < 2; i++) {
                const y = oy * 2 - 1 + ky;
                const xx = ox * 2 - 1 + kx;
                if (y < 0 || xx < 0 || y >= 5 || xx >= 6) continue;
                s += at(y, xx, grp * 2 + i) * po2Real(w[((o * 3 + ky) * 3 + kx) * 2 + i] as Po2);
              }
          want.push(s);
        }
    expect(acc).toEqual(want);
    const mp = maxPool(x, { kernel: 3, stride: 2, padding: 1 });
    const ap = avgPool(x, { kernel: 3, stride: 2, padding: 1 }, Q3_5, 'full', 'half-even');
    for (let oy = 0; oy < 3; oy++)
      for (let ox = 0; ox < 3; ox++)
        for (let c = 0; c < C; c++) {
          const vals: number[] = [];
          for (let y = oy * 2 - 1; y <= oy * 2 + 1; y++) for (let xx = ox * 2 - 1; xx <= ox * 2 + 1; xx++) if (y >= 0 && xx >= 0 && y < 5 && xx < 6) vals.push(at(y, xx, c));
          const i = (oy * 3 + ox) * C + c;
          expect(Number(mp.data[i]) / 32).toBe(Math.max(...vals));
          const sum32 = vals.reduce((a, v) => a + v * 32, 0);
          const q = Math.floor(sum32 / vals.length);
          const r2 = 2 * (sum32 - q * vals.length);
          const rounded = r2 > vals.length ? q + 1 : r2 < vals.length ? q : q % 2 === 0 ? q : q + 1;
          expect(Number(ap.data[i])).toBe(Math.max(-128, Math.min(127, rounded)));
        }
  });
});

describe('cost model', () => {
  it('counts the adders po2AdderTree builds (and treeAdders), with a bias and with all-negative rows', () => {
    const p = new Prng(8);
    for (let t = 0; t < 30; t++) {
      const n = 1 + p.int(0, 40);
      const ws: Po2[] = randomPo2Weights(p, n, { expMin: -5, expMax: 0 }, 0.3);
      if (t % 5 === 0) for (let i = 0; i < n; i++) ws[i] = { sign: -1, exp: (ws[i] as Po2).exp };
      const accFrac = 5 + 5;
      const bias = t % 3 === 0 ? 0n : alignBias(BigInt(p.int(-32, 31)), 5, accFrac);
      const leaves = { lsb: [] as number[], lo: [] as number[], hi: [] as number[], n: 0 };
      let neg = 0;
      for (const w of ws) {
        if (w.sign === 0) continue;
        leaves.lsb.push(w.exp - 5 + accFrac);
        leaves.lo.push(w.sign > 0 ? Number(rawMin(Q3_5)) : -Number(rawMax(Q3_5)));
        leaves.hi.push(w.sign > 0 ? Number(rawMax(Q3_5)) : -Number(rawMin(Q3_5)));
        leaves.n++;
        if (w.sign < 0) neg++;
      }
      const cost = po2TreeCost(leaves, Number(bias), leaves.n > 0 && neg === leaves.n);
      expect(cost.adders).toBe(treeAdders(ws, { act: Q3_5, accFrac, mode: { kind: 'exact' }, bias }));
      let built = -1;
      const T = defineModule({
        name: 'Tree',
        body: () => {
          const io = IO({ x: Input(Vec(n, SInt(8))) });
          built = po2AdderTree(ws.map((w, i) => ({ x: io.x.at(i), w })), { act: Q3_5, accFrac, mode: EXACT, bias }).adders;
          return io;
        },
      });
      elaborate(T, {});
      expect(cost.adders).toBe(built);
    }
  });

  it('family topologies have the published parameter counts (weights, within 1 %)', () => {
    // torchvision / paper totals (weights, biases and batch norm); ours: conv and linear weights only.
    const published: [Parameters<typeof familySpec>[0], number][] = [
      ['mobilenet-v1', 4.2e6],
      ['mobilenet-v2', 3.5e6],
      ['resnet18', 11.69e6],
      ['resnet34', 21.8e6],
      ['resnet50', 25.56e6],
      ['vgg11', 132.86e6],
      ['vgg16', 138.36e6],
    ];
    for (const [name, n] of published) {
      const w = layerSlots(familySpec(name)).reduce((a, s) => a + s.weightCount, 0);
      expect(Math.abs(w - n) / n, name).toBeLessThan(0.01);
    }
  });
});
