// The generic unrolled hardener (lib/nets/graph-unrolled.ts, designs/cnn.ts
// cnnUnrolledModule: the paper's form, combinational) in Verilator on the two
// small graphs of small-graphs.ts (as graph-streaming.test.ts), one build for both: for random
// inputs every output equals graphGolden bit for bit in the same cycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO, Input, Output, SInt, Vec, defineModule, instance, type IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { cnnUnrolledModule } from '../../designs/cnn.ts';
import {
  Prng,
  formatWidth,
  graphGolden,
  inferGraph,
  randomTensor,
  tensorInfo,
  type Graph,
} from '../../lib/index.ts';
import { mobileLike, resnetLike } from './small-graphs.ts';

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
