// The generic unrolled hardener (lib/nets/graph-unrolled.ts, designs/cnn.ts
// cnnUnrolledModule: the paper's form, combinational) in Verilator on the two
// small graphs of graph-streaming.test.ts, one build for both: for random
// inputs every output equals graphGolden bit for bit in the same cycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO, Input, Output, SInt, Vec, defineModule, instance, type IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { cnnUnrolledModule } from '../../designs/cnn.ts';
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
  type Graph,
  type Requant,
} from '../../lib/index.ts';

const FLOOR: Requant = { fmt: Q3_5, rounding: 'floor' };
const EVEN: Requant = { fmt: Q3_5, rounding: 'half-even' };

function resnetLike(size: number): Graph {
  const b = new GraphBuilder<null>('ResLike', { name: 'image', shape: [size, size, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.relu('stem/relu', b.conv('stem', b.input, { outChannels: 6, kernel: 3, stride: 2 }, null)), EVEN);
  x = b.maxPool('maxpool', x, { kernel: 3, stride: 2, padding: 1 }); // 3x3 -> 2x2
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

function mobileLike(size: number): Graph {
  const b = new GraphBuilder<null>('MobileLike', { name: 'image', shape: [size, size, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.clip('stem/clip', b.conv('stem', b.input, { outChannels: 8, kernel: 3, stride: 2 }, null), 0, 6), FLOOR);
  x = b.requantize('dw/q', b.relu6('dw/relu6', b.depthwise('dw', x, { kernel: 3 }, null)), EVEN);
  x = b.requantize('g/q', b.clip('g/clip', b.conv('g', x, { outChannels: 8, kernel: 1, groups: 2 }, null), -1, 2.5), EVEN);
  x = b.requantize('v/q', b.relu('v/relu', b.conv('v', x, { outChannels: 6, kernel: 3, padding: 0 }, null)), FLOOR); // 3x3 -> 1x1
  const p = b.globalAvgPool('pool', x, FLOOR);
  const spec = b.build(b.linear('fc', b.flatten('flat', p), 4, null));
  return withParams(spec, randomGraphParams({ seed: 5, sparsity: 0.3 }));
}

// Smaller frames than the streaming test: every output element is a tree of its own.
const NETS = { res: resnetLike(6), mob: mobileLike(6) };

const inType = (g: Graph) => Input(Vec(g.input.shape[0] * g.input.shape[1] * g.input.shape[2], SInt(formatWidth(g.input.fmt))));
function outType(g: Graph) {
  const out = tensorInfo(inferGraph(g), g.output);
  return Output(Vec(out.shape[0] * out.shape[1] * out.shape[2], SInt(formatWidth(out.fmt))));
}

const Both = defineModule({
  name: 'GraphNetsUnrolled',
  body: () => {
    const io = IO({ resIn: inType(NETS.res), resOut: outType(NETS.res), mobIn: inType(NETS.mob), mobOut: outType(NETS.mob) });
    const res = instance(cnnUnrolledModule(NETS.res));
    res.in.connect(io.resIn);
    io.resOut.connect(res.out);
    const mob = instance(cnnUnrolledModule(NETS.mob));
    mob.in.connect(io.mobIn);
    io.mobOut.connect(mob.out);
    return io;
  },
});

describe('generic unrolled hardener in Verilator', () => {
  let sim: DesignSimulator<IOOf<typeof Both>>;
  beforeAll(async () => {
    sim = await simulate(Both);
  }, 1_200_000);
  afterAll(() => sim?.close());

  for (const key of ['res', 'mob'] as const) {
    it(`${key}: outputs equal graphGolden bit for bit, combinationally`, () => {
      const g = NETS[key];
      const p = new Prng(key === 'res' ? 31 : 41);
      const [inp, outp] = key === 'res' ? [sim.io.resIn, sim.io.resOut] : [sim.io.mobIn, sim.io.mobOut];
      const seen = new Set<string>();
      for (let t = 0; t < 6; t++) {
        const im = randomTensor(p, g.input.shape, g.input.fmt, 0.1);
        im.data.forEach((v, i) => inp[i]!.poke(v));
        const got = outp.map((h) => BigInt(h.peek()));
        expect(got).toEqual(graphGolden(g, im).output.data);
        seen.add(got.join(','));
      }
      expect(seen.size).toBeGreaterThan(1);
    });
  }
});
