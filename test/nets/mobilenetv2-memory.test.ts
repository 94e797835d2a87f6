// The streaming MobileNetV2 with its line buffers in memories (lineBuffer:
// 'memory', one SyncReadMem per 3x3 layer) in Verilator: the test
// configuration of mobilenetv2.test.ts (alpha 0.35, 12 x 12, 3 blocks, 24
// features), junk streamed in and a reset mid-frame first, then random images
// at full rate and with input gaps: features equal the golden model bit for bit.
// Also with every conv layer in a module of its own (mobileNetV2Hw's layerModules).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { MobileNetV2Stream, mobileNetV2FromParams, streamingPorts, type MobileNetV2NetParams } from '../../designs/mobilenetv2.ts';
import { extractFeatures } from '../../designs/testbench.ts';
import { defineModule, type IOOf } from '../../dsl/index.ts';
import { Prng, mobileNetV2Golden, randomTensor, type FixedTensor, type MobileNetV2Net } from '../../lib/index.ts';

const PARAMS: MobileNetV2NetParams = { ...MobileNetV2Stream.defaults, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3, lineBuffer: 'memory' };

type ExtractorSim = DesignSimulator<IOOf<typeof MobileNetV2Stream>>;

/** The feature vectors out of the images streamed in (the shared test-bench driver), with idle cycles at rate gapProb. */
function stream(sim: ExtractorSim, images: readonly FixedTensor[], gapProb: number): bigint[][] {
  return extractFeatures(sim, images, { gapProb, tail: 200 }).features;
}

describe('MobileNetV2 with memory line buffers in Verilator', () => {
  let sim: ExtractorSim;
  let net: MobileNetV2Net;
  beforeAll(async () => {
    net = mobileNetV2FromParams(PARAMS);
    sim = await simulate(MobileNetV2Stream, PARAMS);
  }, 900_000);
  afterAll(() => sim?.close());

  it('after junk and a mid-frame reset, images at full rate and with 30 % gaps give the golden features', () => {
    const p = new Prng(2026);
    // Junk into every line buffer: a frame and a half of random pixels, then reset mid-frame.
    sim.io.in.valid.poke(0);
    sim.reset(2);
    for (let i = 0; i < 230; i++) {
      sim.io.in.valid.poke(1);
      for (const c of sim.io.in.bits) c.poke(BigInt(p.int(-128, 127)));
      sim.step();
    }
    sim.io.in.valid.poke(0);
    sim.reset(1);
    const images = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    const want = images.map((im) => mobileNetV2Golden(net, im).features.data);
    expect(want[0]).not.toEqual(want[1]);
    expect(stream(sim, images, 0)).toEqual(want);
    const more = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    expect(stream(sim, more, 0.3)).toEqual(more.map((im) => mobileNetV2Golden(net, im).features.data));
  });
});

/** The design file's ports, with mobileNetV2Hw's layerModules. */
const Layered = defineModule({
  name: 'MobileNetV2Layered',
  body: () => streamingPorts(mobileNetV2FromParams(PARAMS), { layerModules: true }),
});

describe('MobileNetV2 with a module per conv layer in Verilator', () => {
  let sim: ExtractorSim;
  let net: MobileNetV2Net;
  beforeAll(async () => {
    net = mobileNetV2FromParams(PARAMS);
    sim = await simulate(Layered);
  }, 900_000);
  afterAll(() => sim?.close());

  it('images with 30 % gaps give the golden features', () => {
    const p = new Prng(2027);
    sim.io.in.valid.poke(0);
    sim.reset(2);
    const images = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    expect(stream(sim, images, 0.3)).toEqual(images.map((im) => mobileNetV2Golden(net, im).features.data));
  });
});
