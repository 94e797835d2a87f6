// The streaming MobileNetV2 with its line buffers in memories (lineBuffer:
// 'memory', one SyncReadMem per 3x3 layer) in Verilator: the test
// configuration of mobilenetv2.test.ts (alpha 0.35, 12 x 12, 3 blocks, 24
// features), junk streamed in and a reset mid-frame first, then random images
// at full rate and with input gaps: features equal the golden model bit for bit.
// Also with every conv layer in a module of its own (mobileNetV2Hw's layerModules).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { MobileNetV2, mobileNetV2Defaults, mobileNetV2FromParams, streamingPorts, type MobileNetV2Params } from '../../designs/mobilenetv2.ts';
import { defineModule } from '../../dsl/index.ts';
import { Prng, mobileNetV2Golden, randomTensor, type FixedTensor, type MobileNetV2Net } from '../../lib/index.ts';

const PARAMS: MobileNetV2Params = { ...mobileNetV2Defaults, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3, lineBuffer: 'memory' };

/** Stream the images (a pixel whenever in_ready, with idle cycles at rate gapProb); the feature vectors that come out. */
function stream(sim: DesignSimulator, net: MobileNetV2Net, images: readonly FixedTensor[], gapProb: number): bigint[][] {
  const pix = images.flatMap((t) => Array.from({ length: t.data.length / 3 }, (_, i) => t.data.slice(i * 3, (i + 1) * 3)));
  const junk = new Prng(78);
  const out: bigint[][] = [];
  let k = 0;
  for (let idle = 0; idle < 200; ) {
    const have = k < pix.length && !(gapProb > 0 && junk.nextFloat() < gapProb);
    sim.poke('in_valid', have ? 1 : 0);
    for (let i = 0; i < 3; i++) sim.poke(`in_x_${i}`, have ? pix[k]![i]! : BigInt(junk.int(-128, 127)));
    const took = have && sim.peek('in_ready') === 1;
    sim.step();
    if (took) k++;
    if (k >= pix.length) idle++;
    if (sim.peek('out_valid') === 1) out.push(Array.from({ length: net.features }, (_, i) => BigInt(sim.peek(`out_y_${i}`))));
  }
  expect(k, 'every pixel taken').toBe(pix.length);
  return out;
}

describe('MobileNetV2 with memory line buffers in Verilator', () => {
  let sim: DesignSimulator;
  let net: MobileNetV2Net;
  beforeAll(async () => {
    net = mobileNetV2FromParams(PARAMS);
    sim = await simulate(MobileNetV2, PARAMS);
  }, 900_000);
  afterAll(() => sim?.close());

  it('after junk and a mid-frame reset, images at full rate and with 30 % gaps give the golden features', () => {
    const p = new Prng(2026);
    // Junk into every line buffer: a frame and a half of random pixels, then reset mid-frame.
    sim.poke('in_valid', 0);
    sim.reset(2);
    for (let i = 0; i < 230; i++) {
      sim.poke('in_valid', 1);
      for (let c = 0; c < 3; c++) sim.poke(`in_x_${c}`, BigInt(p.int(-128, 127)));
      sim.step();
    }
    sim.poke('in_valid', 0);
    sim.reset(1);
    const images = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    const want = images.map((im) => mobileNetV2Golden(net, im).features.data);
    expect(want[0]).not.toEqual(want[1]);
    expect(stream(sim, net, images, 0)).toEqual(want);
    const more = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    expect(stream(sim, net, more, 0.3)).toEqual(more.map((im) => mobileNetV2Golden(net, im).features.data));
  });
});

/** The design file's ports, with mobileNetV2Hw's layerModules. */
const Layered = defineModule({
  name: 'MobileNetV2Layered',
  body: () => streamingPorts(mobileNetV2FromParams(PARAMS), { layerModules: true }),
});

describe('MobileNetV2 with a module per conv layer in Verilator', () => {
  let sim: DesignSimulator;
  let net: MobileNetV2Net;
  beforeAll(async () => {
    net = mobileNetV2FromParams(PARAMS);
    sim = await simulate(Layered);
  }, 900_000);
  afterAll(() => sim?.close());

  it('images with 30 % gaps give the golden features', () => {
    const p = new Prng(2027);
    sim.poke('in_valid', 0);
    sim.reset(2);
    const images = Array.from({ length: 2 }, () => randomTensor(p, net.inputShape, net.act, 0.1));
    expect(stream(sim, net, images, 0.3)).toEqual(images.map((im) => mobileNetV2Golden(net, im).features.data));
  });
});
