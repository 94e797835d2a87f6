// Unrolled Po2 pointwise layers in Verilator against the golden model, element
// by element: sparsity 0 / 60 / 90 %, exact and both truncating modes, bias,
// ReLU / ReLU6 requantization, a pipelined copy. One simulated model holds all
// variants (they share the input ports) to keep the build count low.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import {
  EXACT,
  Prng,
  Q3_5,
  expRange,
  fixedTensor,
  layerOutput,
  pointwiseAcc,
  pointwiseHw,
  layerOutputHw,
  qformat,
  randomSparsePo2,
  randomTensor,
  rawMax,
  rawMin,
  truncating,
  type AccumulateMode,
  type BiasVector,
  type FixedTensor,
  type LayerOutputOptions,
  type Po2,
} from '../../lib/index.ts';
import { extremeInputs, firstMismatch, harness, runHarness } from './harness.ts';

const SHAPE = [2, 2, 8] as const;
const OUT_C = 4;
const ACT = Q3_5;
const p = new Prng(20261120);
const range = expRange(-4, 1);

interface Variant {
  readonly weights: Po2[];
  readonly mode: AccumulateMode;
  readonly bias?: BiasVector;
  readonly post: LayerOutputOptions;
  readonly pipelineEvery?: number;
}

const biasFmt = qformat(4, 3);
const randomBias = (): BiasVector => ({ raw: Array.from({ length: OUT_C }, () => p.fixedRaw(biasFmt)), fmt: biasFmt });

const variants: Record<string, Variant> = {
  s0: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0), mode: EXACT, bias: randomBias(), post: { out: ACT, activation: 'relu' } },
  s60: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0.6), mode: truncating(3), post: { out: ACT } },
  s90: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0.9), mode: truncating(2, 'subtract-floored'), bias: randomBias(), post: { out: qformat(2, 2), activation: 'relu6' } },
  s60n: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0.6), mode: truncating(1), bias: randomBias(), post: { out: qformat(3, 1), saturation: 'deepshift' } },
  // ReLU6 below the format's top (Q4.3 reaches 7.875) and an output finer than the accumulator (a left shift).
  s60r6: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0.6), mode: truncating(1, 'subtract-floored'), post: { out: qformat(4, 3), activation: 'relu6' } },
  s0p: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0), mode: EXACT, post: { out: qformat(2, 5), activation: 'relu6' }, pipelineEvery: 1 },
  s60p: { weights: randomSparsePo2(p, OUT_C * SHAPE[2], range, 0.6), mode: truncating(4), post: { out: ACT }, pipelineEvery: 2 },
};

const h = harness('PointwiseHwTest', { x: { shape: SHAPE, fmt: ACT } }, ({ x }) => {
  const outs: Record<string, ReturnType<typeof pointwiseHw> | ReturnType<typeof layerOutputHw>> = {};
  for (const [name, v] of Object.entries(variants)) {
    const acc = pointwiseHw(x!, v.weights, OUT_C, { mode: v.mode, ...(v.bias ? { bias: v.bias } : {}), ...(v.pipelineEvery ? { pipelineEvery: v.pipelineEvery } : {}) });
    outs[`${name}_acc`] = acc;
    outs[`${name}_out`] = Object.assign(layerOutputHw(acc, v.post), { latency: acc.latency });
  }
  return outs;
});

function inputs(n: number): FixedTensor[] {
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const corners = [rawMin(ACT), rawMax(ACT)].map((r) => fixedTensor(SHAPE, ACT, new Array<bigint>(size).fill(r)));
  // Every tree at both ends of its range (the same extreme pixel everywhere).
  const extremes = Object.values(variants).flatMap((v) =>
    extremeInputs(v.weights, OUT_C, ACT).map((px) => fixedTensor(SHAPE, ACT, Array.from({ length: size }, (_, i) => px[i % SHAPE[2]]!))),
  );
  return [...corners, ...extremes, ...Array.from({ length: n }, () => randomTensor(p, SHAPE, ACT, 0.3))];
}

describe('unrolled Po2 pointwise in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(h.def);
  });
  afterAll(() => sim?.close());

  it('matches the golden accumulator and layer output element by element, range ends included', () => {
    const xs = inputs(400);
    const got = runHarness(sim, h, xs.map((x) => ({ x })));
    for (const [name, v] of Object.entries(variants)) {
      const accs = xs.map((x) => pointwiseAcc(x, v.weights, OUT_C, { mode: v.mode, ...(v.bias ? { bias: v.bias } : {}) }));
      expect(h.outputs[`${name}_acc`]!.fmt, `${name} acc format`).toEqual(accs[0]!.fmt);
      expect(firstMismatch(got[`${name}_acc`]!, accs.map((a) => a.data)), `${name} accumulator`).toBeUndefined();
      const outs = accs.map((a) => layerOutput(a, v.post).data);
      expect(firstMismatch(got[`${name}_out`]!, outs), `${name} layer output`).toBeUndefined();
    }
  });

  it('exercises saturation and both signs', () => {
    const xs = inputs(100);
    const got = runHarness(sim, h, xs.map((x) => ({ x })));
    const out = got.s0_out!.flat();
    const max = rawMax(ACT);
    expect(out.some((v) => v === max), 'some output saturates high').toBe(true);
    expect(out.some((v) => v === 0n), 'ReLU clamps some output to zero').toBe(true);
    const acc = got.s60_acc!.flat();
    expect(acc.some((v) => v < 0n) && acc.some((v) => v > 0n)).toBe(true);
    const six = got.s60r6_out!.flat();
    expect(six.some((v) => v === 48n), 'ReLU6 clamps at 6 (raw 48 in Q4.3)').toBe(true);
    expect(six.some((v) => v > 0n && v < 48n)).toBe(true);
  });

  it('has the pipeline latency it reports', () => {
    expect(h.outputs.s0p_acc!.latency).toBe(3); // 8 terms: 3 levels, a register after each
    expect(h.outputs.s0_acc!.latency).toBe(0);
  });
});
