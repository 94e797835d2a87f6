// Streaming Po2 layers (pixel per cycle, line buffers, valid/ready) in
// Verilator: several frames with random input gaps, every output pixel compared
// with the golden layer on the whole frame. One model holds a 3x3 'same', a
// 3x3 'valid', two stride-2, a pointwise and a 3x3 depthwise layer, each with its own
// handshake ports (their ready patterns differ).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle, IO, Input, MixedVec, Output, SInt, Stream, Vec, defineModule } from '../../dsl/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { byName } from './by-name.ts';
import {
  EXACT,
  Prng,
  conv2dAcc,
  conv2dPlan,
  depthwiseAcc,
  depthwisePlan,
  expRange,
  formatWidth,
  qformat,
  randomSparsePo2,
  randomTensor,
  streamingConv2d,
  streamingDepthwise,
  truncating,
  type AccumulateMode,
  type BiasVector,
  type FixedTensor,
  type Po2,
} from '../../lib/index.ts';

const ACT = qformat(3, 3);
const C = 2;
const OC = 3;
const H = 4;
const W = 5;
const p = new Prng(31337);
const range = expRange(-3, 1);
const biasFmt = qformat(3, 1);

interface Layer {
  readonly depthwise?: boolean;
  readonly stride?: number;
  readonly k: number;
  readonly padding: 'same' | 'valid';
  readonly weights: Po2[];
  readonly mode: AccumulateMode;
  readonly bias?: BiasVector;
  readonly pipelineEvery: number;
}

const layers = {
  same: { k: 3, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.3), mode: EXACT, bias: { raw: [3n, -5n, 0n], fmt: biasFmt }, pipelineEvery: 2 },
  valid: { k: 3, padding: 'valid', weights: randomSparsePo2(p, OC * 9 * C, range, 0.6), mode: truncating(1), pipelineEvery: 0 },
  pw: { k: 1, padding: 'valid', weights: randomSparsePo2(p, OC * C, range, 0), mode: EXACT, pipelineEvery: 1 },
  s2: { k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.5), mode: EXACT, pipelineEvery: 0 },
  s2v: { k: 3, stride: 2, padding: 'valid', weights: randomSparsePo2(p, OC * 9 * C, range, 0.5), mode: EXACT, pipelineEvery: 3 },
  dw: { depthwise: true, k: 3, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0), mode: truncating(2, 'subtract-floored'), pipelineEvery: 1 },
  // The sparsities the issue names, on each streaming form.
  dense3: { k: 3, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0), mode: EXACT, pipelineEvery: 1 },
  sparse90: { k: 3, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.9), mode: EXACT, pipelineEvery: 0 },
  pw60: { k: 1, padding: 'valid', weights: randomSparsePo2(p, OC * C, range, 0.6), mode: EXACT, pipelineEvery: 0 },
  pw90: { k: 1, padding: 'valid', weights: randomSparsePo2(p, OC * C, range, 0.9), mode: truncating(1), pipelineEvery: 0 },
  dw60: { depthwise: true, k: 3, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0.6), mode: EXACT, pipelineEvery: 0 },
  dw90: { depthwise: true, k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0.9), mode: EXACT, pipelineEvery: 1 },
} satisfies Record<string, Layer>;
type LayerName = keyof typeof layers;
const names = Object.keys(layers) as LayerName[];
const outCh = (l: Layer): number => (l.depthwise ? C : OC);
const info = {} as Record<LayerName, { latency: number; outH: number; outW: number }>;

// One typed stream in and one out per layer (each layer's accumulators have their own widths: a MixedVec).
const Top = defineModule({
  name: 'StreamingHwTest',
  body: () => {
    const io = IO({ in: Input(Bundle(byName(names, () => Stream(Vec(C, SInt(formatWidth(ACT))))))) });
    const built = byName(names, (name) => {
      const l: Layer = layers[name];
      const port = io.in[name];
      const opts = { height: H, width: W, stride: l.stride ?? 1, padding: l.padding, mode: l.mode, pipelineEvery: l.pipelineEvery, ...(l.bias ? { bias: l.bias } : {}) };
      const ports = { valid: port.valid, pixel: port.bits.toArray() };
      const s = l.depthwise ? streamingDepthwise(ports, ACT, l.weights, l.k, opts) : streamingConv2d(ports, ACT, l.weights, OC, l.k, opts);
      port.ready.connect(s.ready);
      info[name] = { latency: s.latency, outH: s.outHeight, outW: s.outWidth };
      return s;
    });
    const o = IO({ out: Output(Bundle(byName(names, (name) => Stream(MixedVec(built[name].acc.map((v) => SInt(v.width))), { alwaysReady: true })))) });
    for (const name of names) {
      o.out[name].valid.connect(built[name].outValid);
      built[name].acc.forEach((v, i) => o.out[name].bits.at(i).connect(v));
    }
    return { ...io, ...o };
  },
});

describe('streaming Po2 layers in Verilator', () => {
  let sim: DesignSimulator<IOOf<typeof Top>>;
  beforeAll(async () => {
    sim = await simulate(Top);
  });
  afterAll(() => sim?.close());

  it('stream frames with input gaps and match the golden layer pixel by pixel', () => {
    const frames: FixedTensor[] = Array.from({ length: 3 }, () => randomTensor(p, [H, W, C], ACT, 0.3));
    // Fill the line buffers and windows with garbage, then reset mid-frame: the
    // first frame after reset must still see zero padding.
    sim.reset(1);
    const junk = new Prng(77);
    const ins = sim.io.in;
    const outs = sim.io.out;
    for (let i = 0; i < 2 * W + 3; i++) {
      for (const name of names) {
        ins[name].valid.poke(1);
        for (let ch = 0; ch < C; ch++) ins[name].bits[ch]!.poke(junk.int(-32, 31));
      }
      sim.step();
    }
    for (const name of names) ins[name].valid.poke(0);
    sim.reset(1);
    // Per layer: a cursor into the concatenated pixel stream, and the outputs seen.
    const cursor = byName(names, () => 0);
    const seen = byName(names, (): bigint[][] => []);
    const total = frames.length * H * W;
    const gap = new Prng(5);
    for (let cycle = 0; cycle < total * 3 + 200; cycle++) {
      const offered = byName(names, (name) => {
        const i = cursor[name];
        const have = i < total && gap.nextFloat() < 0.7;
        ins[name].valid.poke(have ? 1 : 0);
        for (let ch = 0; ch < C; ch++) {
          const v = have ? frames[Math.floor(i / (H * W))]!.data[(i % (H * W)) * C + ch]! : BigInt(gap.int(-32, 31));
          ins[name].bits[ch]!.poke(v);
        }
        return have;
      });
      const accepted = byName(names, (name) => offered[name] && ins[name].ready.peek() === 1);
      sim.step();
      for (const name of names) {
        if (accepted[name]) cursor[name]++;
        if (outs[name].valid.peek() === 1) seen[name].push(Array.from({ length: outCh(layers[name]) }, (_, o) => BigInt(outs[name].bits[o]!.peek())));
      }
    }
    for (const name of names) {
      const l: Layer = layers[name];
      expect(cursor[name], `${name}: every pixel accepted`).toBe(total);
      const o = { padding: l.padding, stride: l.stride ?? 1, mode: l.mode, ...(l.bias ? { bias: l.bias } : {}) };
      const want = frames.flatMap((f) => {
        const acc = l.depthwise ? depthwiseAcc(f, l.weights, l.k, o) : conv2dAcc(f, l.weights, OC, l.k, o);
        const n = outCh(l);
        return Array.from({ length: acc.shape[0] * acc.shape[1] }, (_, px) => acc.data.slice(px * n, (px + 1) * n));
      });
      expect(seen[name]!.length, `${name}: output pixels`).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(seen[name]![i], `${name}: output pixel ${i}`).toEqual(want[i]);
    }
    expect(info.same!.outH * info.same!.outW).toBe(H * W);
    // The window register plus the tree's pipeline stages (as in the unrolled layer).
    for (const name of names) {
      const l: Layer = layers[name];
      const o = { padding: l.padding, stride: l.stride ?? 1, mode: l.mode, pipelineEvery: l.pipelineEvery, ...(l.bias ? { bias: l.bias } : {}) };
      const plan = l.depthwise ? depthwisePlan([H, W, C], ACT, l.weights, l.k, o) : conv2dPlan([H, W, C], ACT, l.weights, OC, l.k, o);
      expect(info[name]!.latency, name).toBe(1 + plan.latency);
    }
    expect(info.pw!.latency).toBeGreaterThanOrEqual(2);
  });
});
