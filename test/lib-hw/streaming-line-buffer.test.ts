// The memory form of the streaming line buffers (lineBuffer: 'memory', one
// SyncReadMem per layer) in Verilator: each layer is built twice, with
// registers and with the memory, fed the same pixels with random input gaps
// after garbage and a mid-frame reset; both must give the golden layer's
// output pixels, in the same cycles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bool, IO, Input, Output, SInt, defineModule } from '../../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
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

const layers: Record<string, Layer> = {
  same: { k: 3, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.4), mode: EXACT, bias: { raw: [5n, -3n], fmt: qformat(3, 1) }, pipelineEvery: 2 },
  valid: { k: 3, padding: 'valid', weights: randomSparsePo2(p, OC * 9 * C, range, 0.4), mode: truncating(1), pipelineEvery: 0 },
  s2: { k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, OC * 9 * C, range, 0.5), mode: EXACT, pipelineEvery: 0 },
  dw: { depthwise: true, k: 3, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0), mode: EXACT, pipelineEvery: 1 },
  dws2: { depthwise: true, k: 3, stride: 2, padding: 'same', weights: randomSparsePo2(p, 9 * C, range, 0), mode: EXACT, pipelineEvery: 0 },
  // Four rows per memory word.
  k5: { k: 5, padding: 'same', weights: randomSparsePo2(p, OC * 25 * C, range, 0.6), mode: EXACT, pipelineEvery: 0 },
};
const forms: readonly LineBufferForm[] = ['registers', 'memory'];
const outCh = (l: Layer): number => (l.depthwise ? C : OC);
const port = (name: string, form: LineBufferForm): string => `${name}_${form === 'memory' ? 'm' : 'r'}`;

const Top = defineModule({
  name: 'StreamingLineBufferTest',
  body: () => {
    for (const [name, l] of Object.entries(layers)) {
      // One input per layer, shared by both forms: they see exactly the same pixels.
      const spec: Record<string, PortSpec> = { [`${name}_in_valid`]: Input(Bool()) };
      for (let ch = 0; ch < C; ch++) spec[`${name}_x_${ch}`] = Input(SInt(formatWidth(ACT)));
      const io = IO(spec) as Record<string, SIntValue | BoolValue>;
      const ports = { valid: io[`${name}_in_valid`] as BoolValue, pixel: Array.from({ length: C }, (_, ch) => io[`${name}_x_${ch}`] as SIntValue) };
      for (const form of forms) {
        const opts = { height: H, width: W, stride: l.stride ?? 1, padding: l.padding, mode: l.mode, pipelineEvery: l.pipelineEvery, lineBuffer: form, ...(l.bias ? { bias: l.bias } : {}) };
        const s = l.depthwise ? streamingDepthwise(ports, ACT, l.weights, l.k, opts) : streamingConv2d(ports, ACT, l.weights, OC, l.k, opts);
        const n = port(name, form);
        const ospec: Record<string, PortSpec> = { [`${n}_in_ready`]: Output(Bool()), [`${n}_out_valid`]: Output(Bool()) };
        s.acc.forEach((v, i) => (ospec[`${n}_y_${i}`] = Output(SInt(v.width))));
        const o = IO(ospec) as Record<string, SIntValue | BoolValue>;
        (o[`${n}_in_ready`] as BoolValue).connect(s.ready);
        (o[`${n}_out_valid`] as BoolValue).connect(s.outValid);
        s.acc.forEach((v, i) => (o[`${n}_y_${i}`] as SIntValue).connect(v));
      }
    }
  },
});

describe('streaming line buffers in a SyncReadMem', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Top);
  });
  afterAll(() => sim?.close());

  it('match the golden layer and the register form cycle for cycle, after garbage and a mid-frame reset', () => {
    const frames: FixedTensor[] = Array.from({ length: 3 }, () => randomTensor(p, [H, W, C], ACT, 0.3));
    const names = Object.keys(layers);
    // Garbage into line buffers and windows (full rate, beyond one row), then reset mid-frame.
    sim.reset(1);
    const junk = new Prng(99);
    for (let i = 0; i < 3 * W + 4; i++) {
      for (const name of names) {
        sim.poke(`${name}_in_valid`, 1);
        for (let ch = 0; ch < C; ch++) sim.poke(`${name}_x_${ch}`, junk.int(-32, 31));
      }
      sim.step();
    }
    for (const name of names) sim.poke(`${name}_in_valid`, 0);
    sim.reset(1);
    const total = frames.length * H * W;
    const cursor: Record<string, number> = {};
    // Output pixels per layer and form, with the cycle each came out.
    const seen: Record<string, { cycle: number; y: bigint[] }[]> = {};
    for (const name of names) {
      cursor[name] = 0;
      for (const form of forms) seen[port(name, form)] = [];
    }
    const gap = new Prng(6);
    for (let cycle = 0; cycle < total * 3 + 200; cycle++) {
      const accepted: Record<string, boolean> = {};
      for (const name of names) {
        const i = cursor[name]!;
        const have = i < total && gap.nextFloat() < 0.7;
        sim.poke(`${name}_in_valid`, have ? 1 : 0);
        for (let ch = 0; ch < C; ch++) sim.poke(`${name}_x_${ch}`, have ? frames[Math.floor(i / (H * W))]!.data[(i % (H * W)) * C + ch]! : BigInt(gap.int(-32, 31)));
        const rr = sim.peek(`${port(name, 'registers')}_in_ready`);
        expect(sim.peek(`${port(name, 'memory')}_in_ready`), `${name}: ready at cycle ${cycle}`).toBe(rr);
        accepted[name] = have && rr === 1;
      }
      sim.step();
      for (const name of names) {
        if (accepted[name]) cursor[name]!++;
        for (const form of forms) {
          const n = port(name, form);
          if (sim.peek(`${n}_out_valid`) === 1) seen[n]!.push({ cycle, y: Array.from({ length: outCh(layers[name]!) }, (_, o) => BigInt(sim.peek(`${n}_y_${o}`))) });
        }
      }
    }
    for (const [name, l] of Object.entries(layers)) {
      expect(cursor[name], `${name}: every pixel accepted`).toBe(total);
      const o = { padding: l.padding, stride: l.stride ?? 1, mode: l.mode, ...(l.bias ? { bias: l.bias } : {}) };
      const want = frames.flatMap((f) => {
        const acc = l.depthwise ? depthwiseAcc(f, l.weights, l.k, o) : conv2dAcc(f, l.weights, OC, l.k, o);
        const n = outCh(l);
        return Array.from({ length: acc.shape[0] * acc.shape[1] }, (_, px) => acc.data.slice(px * n, (px + 1) * n));
      });
      const mem = seen[port(name, 'memory')]!;
      const reg = seen[port(name, 'registers')]!;
      expect(mem.length, `${name}: output pixels`).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(mem[i]!.y, `${name}: output pixel ${i}`).toEqual(want[i]);
      expect(mem.map((x) => x.cycle), `${name}: same cycles as the register form`).toEqual(reg.map((x) => x.cycle));
    }
  });
});
