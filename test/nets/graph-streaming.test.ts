// The generic streaming hardener (lib/nets/graph-streaming.ts, designs/cnn.ts)
// in Verilator on two small graphs, one build for both (a wrapper with typed
// stream ports per net):
//  - ResNet-style: 3x3 stride-2 stem, max pool 3x3/2, an identity residual
//    block, a downsampling block (3x3 stride 2 + a 1x1 stride-2 shortcut),
//    global average pool, flatten, Gemm; floor and half-even requantizations;
//  - MobileNet-style: Clip(0, 6), depthwise 3x3, a grouped 1x1 (2 groups), a
//    general Clip(-1, 2.5), a 'valid' 3x3, global average pool, Gemm (the raw
//    accumulator out).
// Random images streamed with random input gaps; every output equals
// graphGolden bit for bit, and the golden with every rounding flipped to floor
// differs on some output (the half-even path is exercised, not just present).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO, Input, Output, SInt, Stream, Vec, defineModule, instance, type IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { cnnModule } from '../../designs/cnn.ts';
import {
  Prng,
  formatWidth,
  graphGolden,
  inferGraph,
  randomTensor,
  tensorInfo,
  type FixedTensor,
  type Graph,
  type GraphNode,
} from '../../lib/index.ts';
import { mobileLike, resnetLike } from './small-graphs.ts';

/** Every requantization rounding by floor. */
function allFloor(g: Graph): Graph {
  const nodes = g.nodes.map((n): GraphNode => ('out' in n ? { ...n, out: { ...n.out, rounding: 'floor' } } : n));
  return { ...g, nodes };
}

const NETS = { res: resnetLike(12), mob: mobileLike(8) };

const inType = (g: Graph) => Input(Stream(Vec(g.input.shape[2], SInt(formatWidth(g.input.fmt)))));
function outType(g: Graph) {
  const out = tensorInfo(inferGraph(g), g.output);
  return Output(Stream(Vec(out.shape[2], SInt(formatWidth(out.fmt))), { alwaysReady: true }));
}

const Both = defineModule({
  name: 'GraphNets',
  body: () => {
    const io = IO({ resIn: inType(NETS.res), resOut: outType(NETS.res), mobIn: inType(NETS.mob), mobOut: outType(NETS.mob) });
    const res = instance(cnnModule(NETS.res));
    res.in.connect(io.resIn);
    io.resOut.connect(res.out);
    const mob = instance(cnnModule(NETS.mob));
    mob.in.connect(io.mobIn);
    io.mobOut.connect(mob.out);
    return io;
  },
});

type Sim = DesignSimulator<IOOf<typeof Both>>;
type Port = { in: Sim['io']['resIn']; out: Sim['io']['resOut'] };

/** Stream the images (HWC) through one net's ports with random gaps; the output vectors in order. */
function run(sim: Sim, port: Port, images: readonly FixedTensor[], gap: number, seed: number): bigint[][] {
  const C = images[0]!.shape[2];
  const pix = images.flatMap((t) => Array.from({ length: t.data.length / C }, (_, i) => t.data.slice(i * C, (i + 1) * C)));
  const rnd = new Prng(seed);
  const outs: bigint[][] = [];
  let k = 0;
  for (let idle = 0; idle < 400; ) {
    const have = k < pix.length && rnd.nextFloat() >= gap;
    port.in.valid.poke(have ? 1 : 0);
    port.in.bits.forEach((h, i) => h.poke(have ? pix[k]![i]! : BigInt(rnd.int(-128, 127))));
    const took = have && port.in.ready.peek() === 1;
    sim.step();
    if (took) k++;
    if (k >= pix.length) idle++;
    if (port.out.valid.peek() === 1) outs.push(port.out.bits.map((h) => BigInt(h.peek())));
  }
  expect(k, 'every pixel taken').toBe(pix.length);
  return outs;
}

describe('generic streaming hardener in Verilator', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await simulate(Both);
  }, 1_200_000);
  afterAll(() => sim?.close());

  for (const key of ['res', 'mob'] as const) {
    it(`${key}: outputs equal graphGolden bit for bit, full rate and with 30 % input gaps`, () => {
      const g = NETS[key];
      const p = new Prng(key === 'res' ? 3 : 4);
      const images = Array.from({ length: 4 }, () => randomTensor(p, g.input.shape, g.input.fmt, 0.1));
      const want = images.map((im) => graphGolden(g, im).output.data);
      const port: Port = key === 'res' ? { in: sim.io.resIn, out: sim.io.resOut } : { in: sim.io.mobIn, out: sim.io.mobOut };
      port.in.valid.poke(0);
      sim.reset(2);
      expect(run(sim, port, images.slice(0, 2), 0, 9)).toEqual(want.slice(0, 2));
      sim.reset(2);
      expect(run(sim, port, images, 0.3, 10)).toEqual(want);
      // The outputs are not degenerate, and rounding matters on these images.
      expect(new Set(want.map((w) => w.join(','))).size).toBe(images.length);
      if (key === 'res') expect(images.map((im) => graphGolden(allFloor(g), im).output.data)).not.toEqual(want);
    });
  }
});
