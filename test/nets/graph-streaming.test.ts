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
  GraphBuilder,
  Prng,
  Q3_5,
  formatWidth,
  graphGolden,
  inferGraph,
  randomGraphParams,
  randomTensor,
  tensorInfo,
  withParams,
  type FixedTensor,
  type Graph,
  type GraphNode,
  type Requant,
} from '../../lib/index.ts';

const FLOOR: Requant = { fmt: Q3_5, rounding: 'floor' };
const EVEN: Requant = { fmt: Q3_5, rounding: 'half-even' };

function resnetLike(): Graph {
  const b = new GraphBuilder<null>('ResLike', { name: 'image', shape: [12, 12, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.relu('stem/relu', b.conv('stem', b.input, { outChannels: 6, kernel: 3, stride: 2 }, null)), EVEN);
  x = b.maxPool('maxpool', x, { kernel: 3, stride: 2, padding: 1 }); // 6x6 -> 3x3
  const c1 = b.requantize('b1.c1/q', b.relu('b1.c1/relu', b.conv('b1.c1', x, { outChannels: 6, kernel: 3 }, null)), FLOOR);
  const c2 = b.conv('b1.c2', c1, { outChannels: 6, kernel: 3 }, null);
  x = b.requantize('b1/q', b.relu('b1/relu', b.addTensors('b1.add', x, c2)), EVEN);
  const d1 = b.requantize('b2.c1/q', b.relu6('b2.c1/relu6', b.conv('b2.c1', x, { outChannels: 8, kernel: 3, stride: 2 }, null)), FLOOR);
  const d2 = b.conv('b2.c2', d1, { outChannels: 8, kernel: 3 }, null);
  const ds = b.conv('b2.ds', x, { outChannels: 8, kernel: 1, stride: 2, padding: 0 }, null);
  x = b.requantize('b2/q', b.addTensors('b2.add', ds, d2), FLOOR);
  const p = b.globalAvgPool('pool', x, EVEN);
  const spec = b.build(b.requantize('fc/q', b.linear('fc', b.flatten('flat', p), 5, null), EVEN));
  return withParams(spec, randomGraphParams({ seed: 11, sparsity: 0.3 }));
}

function mobileLike(): Graph {
  const b = new GraphBuilder<null>('MobileLike', { name: 'image', shape: [8, 8, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.clip('stem/clip', b.conv('stem', b.input, { outChannels: 8, kernel: 3, stride: 2 }, null), 0, 6), FLOOR);
  x = b.requantize('dw/q', b.relu6('dw/relu6', b.depthwise('dw', x, { kernel: 3 }, null)), EVEN);
  x = b.requantize('g/q', b.clip('g/clip', b.conv('g', x, { outChannels: 8, kernel: 1, groups: 2 }, null), -1, 2.5), EVEN);
  x = b.requantize('v/q', b.relu('v/relu', b.conv('v', x, { outChannels: 6, kernel: 3, padding: 0 }, null)), FLOOR); // 4x4 -> 2x2
  const p = b.globalAvgPool('pool', x, FLOOR);
  const spec = b.build(b.linear('fc', b.flatten('flat', p), 4, null));
  return withParams(spec, randomGraphParams({ seed: 5, sparsity: 0.3 }));
}

/** Every requantization rounding by floor. */
function allFloor(g: Graph): Graph {
  const nodes = g.nodes.map((n): GraphNode => ('out' in n ? { ...n, out: { ...n.out, rounding: 'floor' } } : n));
  return { ...g, nodes };
}

const NETS = { res: resnetLike(), mob: mobileLike() };

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
