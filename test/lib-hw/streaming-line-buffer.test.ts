// The memory form of the streaming line buffers (lineBuffer: 'memory', one
// SyncReadMem per layer) in Verilator: each layer is built twice, with
// registers and with the memory, fed the same pixels with random input gaps
// after garbage and a mid-frame reset; both must give the golden layer's
// output pixels, in the same cycles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bool, Bundle, IO, Input, MixedVec, Output, SInt, Stream, Vec, defineModule } from '../../dsl/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { byName } from './by-name.ts';
import {
  EXACT,
  Prng,
  conv2dAcc,
  depthwiseAcc,
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
  type LineBufferForm,
  type Po2,
} from '../../lib/index.ts';

const ACT = qformat(3, 3);
const C = 3;
const OC = 2;
const H = 5;
const W = 6;
const p = new Prng(4242);
const range = expRange(-3, 1);

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
  same: { k: 3, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.4), mode: EXACT, bias: { raw: [5n, -3n], fmt: qformat(3, 1) }, pipelineEvery: 2 },
  valid: { k: 3, padding: 'valid', weights: randomSparsePo2(p, OC * 9 * C, range, 0.4), mode: truncating(1), pipelineEvery: 0 },
  s2: { k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.5), mode: EXACT, pipelineEvery: 0 },
  dw: { depthwise: true, k: 3, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0), mode: EXACT, pipelineEvery: 1 },
  dws2: { depthwise: true, k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0), mode: EXACT, pipelineEvery: 0 },
  // Four rows per memory word.
  k5: { k: 5, padding: 'same', weights: randomSparsePo2(p, OC * 25 * C, range, 0.6), mode: EXACT, pipelineEvery: 0 },
} satisfies Record<string, Layer>;
type LayerName = keyof typeof layers;
const names = Object.keys(layers) as LayerName[];
const forms = ['registers', 'memory'] as const satisfies readonly LineBufferForm[];
const outCh = (l: Layer): number => (l.depthwise ? C : OC);

// Per layer one input stream shared by both forms (they see exactly the same pixels; its ready is the
// register form's, the memory form's comes out beside it) and one output stream per form.
const Top = defineModule({
  name: 'StreamingLineBufferTest',
  body: () => {
    const io = IO({ in: Input(Bundle(byName(names, () => Stream(Vec(C, SInt(formatWidth(ACT))))))) });
    const built = byName(names, (name) => {
      const l: Layer = layers[name];
      const ports = { valid: io.in[name].valid, pixel: io.in[name].bits.toArray() };
      return byName(forms, (form) => {
        const opts = { height: H, width: W, stride: l.stride ?? 1, padding: l.padding, mode: l.mode, pipelineEvery: l.pipelineEvery, lineBuffer: form, ...(l.bias ? { bias: l.bias } : {}) };
        return l.depthwise ? streamingDepthwise(ports, ACT, l.weights, l.k, opts) : streamingConv2d(ports, ACT, l.weights, OC, l.k, opts);
      });
    });
    const o = IO({
      memoryReady: Output(Bundle(byName(names, () => Bool()))),
      out: Output(Bundle(byName(names, (name) => Bundle(byName(forms, (form) => Stream(MixedVec(built[name][form].acc.map((v) => SInt(v.width))), { alwaysReady: true })))))),
    });
    for (const name of names) {
      io.in[name].ready.connect(built[name].registers.ready);
      o.memoryReady[name].connect(built[name].memory.ready);
      for (const form of forms) {
        o.out[name][form].valid.connect(built[name][form].outValid);
        built[name][form].acc.forEach((v, i) => o.out[name][form].bits.at(i).connect(v));
      }
    }
    return { ...io, ...o };
  },
});

describe('streaming line buffers in a SyncReadMem', () => {
  let sim: DesignSimulator<IOOf<typeof Top>>;
  beforeAll(async () => {
    sim = await simulate(Top);
  });
  afterAll(() => sim?.close());

  it('match the golden layer and the register form cycle for cycle, after garbage and a mid-frame reset', () => {
    const frames: FixedTensor[] = Array.from({ length: 3 }, () => randomTensor(p, [H, W, C], ACT, 0.3));
    const { in: ins, out: outs, memoryReady } = sim.io;
    // Garbage into line buffers and windows (full rate, beyond one row), then reset mid-frame.
    sim.reset(1);
    const junk = new Prng(99);
    for (let i = 0; i < 3 * W + 4; i++) {
      for (const name of names) {
        ins[name].valid.poke(1);
        for (let ch = 0; ch < C; ch++) ins[name].bits[ch]!.poke(junk.int(-32, 31));
      }
      sim.step();
    }
    for (const name of names) ins[name].valid.poke(0);
    sim.reset(1);
    const total = frames.length * H * W;
    const cursor = byName(names, () => 0);
    // Output pixels per layer and form, with the cycle each came out.
    const seen = byName(names, () => byName(forms, (): { cycle: number; y: bigint[] }[] => []));
    const gap = new Prng(6);
    for (let cycle = 0; cycle < total * 3 + 200; cycle++) {
      const accepted = byName(names, (name) => {
        const i = cursor[name];
        const have = i < total && gap.nextFloat() < 0.7;
        ins[name].valid.poke(have ? 1 : 0);
        for (let ch = 0; ch < C; ch++) ins[name].bits[ch]!.poke(have ? frames[Math.floor(i / (H * W))]!.data[(i % (H * W)) * C + ch]! : BigInt(gap.int(-32, 31)));
        const rr = ins[name].ready.peek();
        expect(memoryReady[name].peek(), `${name}: ready at cycle ${cycle}`).toBe(rr);
        return have && rr === 1;
      });
      sim.step();
      for (const name of names) {
        if (accepted[name]) cursor[name]++;
        for (const form of forms) {
          const out = outs[name][form];
          if (out.valid.peek() === 1) seen[name][form].push({ cycle, y: Array.from({ length: outCh(layers[name]) }, (_, o) => BigInt(out.bits[o]!.peek())) });
        }
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
      const mem = seen[name].memory;
      const reg = seen[name].registers;
      expect(mem.length, `${name}: output pixels`).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(mem[i]!.y, `${name}: output pixel ${i}`).toEqual(want[i]);
      expect(mem.map((x) => x.cycle), `${name}: same cycles as the register form`).toEqual(reg.map((x) => x.cycle));
    }
  });
});
