// The example designs (designs/po2-*.ts) at small sizes, simulated in Verilator
// against the golden layer on the same seeded weights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Po2Conv3x3 } from '../../designs/po2-conv3x3.ts';
import { Po2Pointwise } from '../../designs/po2-pointwise.ts';
import { actFormat, layerMode, layerWeights, po2LayerDefaults, type Po2LayerParams } from '../../designs/po2-common.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import type { IOOf } from '../../dsl/index.ts';

/** A simulated po2 layer design (either form: the tests check which one they got). */
type LayerSim = DesignSimulator<IOOf<typeof Po2Conv3x3>>;
import { Prng, conv2dAcc, conv2dPlan, layerOutput, randomTensor, rawMax, rawMin, fixedTensor, type FixedTensor, type Shape3 } from '../../lib/index.ts';

function check(sim: LayerSim, p: Po2LayerParams, g: { kernel: number; stride: number; padding: 'same' | 'valid' }): number {
  const act = actFormat(p);
  const shape: Shape3 = [p.height, p.width, p.channels];
  const n = shape[0] * shape[1] * shape[2];
  const prng = new Prng(99);
  const xs: FixedTensor[] = [rawMin(act), rawMax(act)].map((r) => fixedTensor(shape, act, new Array<bigint>(n).fill(r)));
  for (let i = 0; i < 200; i++) xs.push(randomTensor(prng, shape, act, 0.3));
  const { weights, bias } = layerWeights(p, g.kernel);
  const opts = { stride: g.stride, padding: g.padding, mode: layerMode(p), pipelineEvery: p.pipelineEvery, ...(bias ? { bias } : {}) };
  const latency = conv2dPlan(shape, act, weights, p.outChannels, g.kernel, opts).latency;
  const want = xs.map((x) => layerOutput(conv2dAcc(x, weights, p.outChannels, g.kernel, { stride: g.stride, padding: g.padding, mode: layerMode(p), ...(bias ? { bias } : {}) }), { out: act, activation: p.activation }).data);
  const outs = want[0]!.length;
  const cycles = xs.length + latency;
  const io = sim.io;
  if (!('x' in io)) throw new Error('check: the unrolled form (ports x, y) expected');
  const inputs = Object.fromEntries(io.x.map((h, i) => [h.info.name, Array.from({ length: cycles }, (_, c) => Number(xs[Math.min(c, xs.length - 1)]!.data[i]))]));
  const res = sim.runVectors({ inputs, outputs: io.y.map((h) => h.info.name), cycles });
  const skew = Math.max(latency - 1, 0);
  for (let v = 0; v < xs.length; v++) {
    io.y.forEach((h, i) => expect(BigInt(res[h.info.name]![v + skew]!), `vector ${v} output ${i}`).toBe(want[v]![i]));
  }
  expect(io.y.length).toBe(outs);
  return latency;
}

describe('designs/po2-pointwise.ts in Verilator', () => {
  const p: Po2LayerParams = { ...po2LayerDefaults, channels: 16, outChannels: 4, actBits: 6, sparsity: 0.6, seed: 5, mode: 'floor-signed', accFrac: 2, bias: true };
  let sim: LayerSim;
  beforeAll(async () => {
    sim = await simulate(Po2Pointwise, p);
  });
  afterAll(() => sim?.close());
  it('matches the golden pointwise layer (truncating, bias, ReLU)', () => {
    expect(check(sim, p, { kernel: 1, stride: 1, padding: 'valid' })).toBe(0);
  });
});

describe('designs/po2-conv3x3.ts in Verilator', () => {
  const p = { ...po2LayerDefaults, channels: 2, outChannels: 3, actBits: 5, sparsity: 0.3, seed: 8, height: 4, width: 4, stride: 2, padding: 'same', activation: 'relu6', pipelineEvery: 1 } satisfies Po2LayerParams & { stride: number; padding: 'same' };
  let sim: LayerSim;
  beforeAll(async () => {
    sim = await simulate(Po2Conv3x3, p);
  });
  afterAll(() => sim?.close());
  it('matches the golden 3x3 conv (stride 2, same, pipelined, ReLU6)', () => {
    // Up to 18 taps per output: 3 to 5 levels, a register after each.
    expect(check(sim, p, { kernel: 3, stride: 2, padding: 'same' })).toBeGreaterThanOrEqual(3);
  });
});

describe('designs/po2-conv3x3.ts streaming=true in Verilator', () => {
  const p = { ...po2LayerDefaults, channels: 2, outChannels: 2, actBits: 6, sparsity: 0.4, seed: 3, height: 3, width: 4, stride: 1, padding: 'same', activation: 'relu', bias: true, streaming: true } satisfies Po2LayerParams & { stride: number; padding: 'same' };
  let sim: LayerSim;
  beforeAll(async () => {
    sim = await simulate(Po2Conv3x3, p);
  });
  afterAll(() => sim?.close());
  it('streams two frames and matches the golden layer output', () => {
    const act = actFormat(p);
    const shape: Shape3 = [p.height, p.width, p.channels];
    const prng = new Prng(4);
    const frames = [randomTensor(prng, shape, act, 0.3), randomTensor(prng, shape, act, 0.3)];
    const { weights, bias } = layerWeights(p, 3);
    const want = frames.flatMap((f) => layerOutput(conv2dAcc(f, weights, p.outChannels, 3, { padding: 'same', mode: layerMode(p), ...(bias ? { bias } : {}) }), { out: act, activation: 'relu' }).data);
    const pixels = frames.flatMap((f) => Array.from({ length: p.height * p.width }, (_, i) => f.data.slice(i * p.channels, (i + 1) * p.channels)));
    const io = sim.io;
    if (!('in' in io)) throw new Error('the streaming form (ports in, out) expected');
    io.in.valid.poke(0);
    sim.reset(1);
    const got: bigint[] = [];
    let next = 0;
    for (let cycle = 0; cycle < 200; cycle++) {
      const have = next < pixels.length;
      io.in.valid.poke(have ? 1 : 0);
      io.in.bits.forEach((x, ch) => x.poke(have ? pixels[next]![ch]! : 0n));
      const take = have && io.in.ready.peek() === 1;
      sim.step();
      if (take) next++;
      if (io.out.valid.peek() === 1) got.push(...io.out.bits.map((y) => BigInt(y.peek())));
    }
    expect(next).toBe(pixels.length);
    expect(got).toEqual(want);
  });
});
