// HaShiFix end to end in Verilator: the same small MobileNetV2-shaped
// extractor as the HaShiFlex test, with the classifier hardened in Po2 too.
// Images back to back and with idle cycles; scores equal the golden model's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StringSink, elaborate, emitFirrtl, type IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { HaShiFix, hashiFixBuild, hashiFixDefaults, hashiFixGolden, type HaShiFixBuild, type HaShiFixParams } from '../../designs/hashifix.ts';
import { streamImages } from '../../designs/testbench.ts';
import { Prng, randomTensor, type FixedTensor } from '../../lib/index.ts';

const P: HaShiFixParams = { ...hashiFixDefaults, fe: { ...hashiFixDefaults.fe, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3 }, classes: 6 };
type FixSim = DesignSimulator<IOOf<typeof HaShiFix>>;

function classify(sim: FixSim, images: readonly FixedTensor[], gapProb = 0): { scores: bigint[][]; at: number[] } {
  const scores: bigint[][] = [];
  const at: number[] = [];
  streamImages(sim, images, {
    gapProb,
    sample: (cycle) => {
      if (sim.io.scores.valid.peek() === 1) {
        scores.push(sim.io.scores.bits.map((s) => BigInt(s.peek())));
        at.push(cycle);
      }
      return scores.length === images.length;
    },
  });
  return { scores, at };
}

describe('HaShiFix (MobileNetV2 features + hardened Po2 classifier) in Verilator', () => {
  let sim: FixSim;
  let build: HaShiFixBuild;
  beforeAll(async () => {
    build = hashiFixBuild(P);
    sim = await simulate(HaShiFix, P);
    sim.io.in.valid.poke(0);
    sim.reset(2);
  }, 900_000);
  afterAll(() => sim?.close());

  const images = (seed: number, n: number) => {
    const p = new Prng(seed);
    return Array.from({ length: n }, () => randomTensor(p, build.net.inputShape, build.net.act, 0.1));
  };

  it('three images back to back: every score equals the golden model, one image per frame time', () => {
    const ims = images(21, 3);
    const r = classify(sim, ims);
    const want = ims.map((im) => hashiFixGolden(build, im).scores);
    expect(r.scores).toEqual(want);
    expect(want[0]).not.toEqual(want[1]);
    expect(new Set(want.flat()).size).toBeGreaterThan(3); // not all saturated or zero
    // Fully streaming: one image per (H + 1)^2 grid positions of the stem, as the extractor alone.
    expect(r.at[2]! - r.at[1]!).toBe(13 * 13);
  });

  it('with idle input cycles: the same scores', () => {
    const ims = images(22, 2);
    expect(classify(sim, ims, 0.3).scores).toEqual(ims.map((im) => hashiFixGolden(build, im).scores));
  });

  it('is hardened throughout: adders, no multiplier, in the FIRRTL', () => {
    const sink = new StringSink();
    emitFirrtl(elaborate(HaShiFix, P), sink);
    const fir = sink.toString();
    expect(fir).toMatch(/= add\(/); // the check below looks at real arithmetic
    expect(fir).not.toMatch(/= mul\(/);
  });
});
