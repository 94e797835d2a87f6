// The streaming MobileNetV2 feature extractor in Verilator: a truncated
// alpha-0.35 network (stem, 3 inverted residual blocks, one of them with a
// residual, head 1x1 cut to a few channels, global average pool) at 12 x 12
// (the pool then divides by 9: the reciprocal shift-add path, not a shift),
// two random images streamed back to back, features compared bit for bit with
// the golden model (every internal layer asserts that it never drops a pixel).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { MobileNetV2Stream, mobileNetV2FromParams, type MobileNetV2NetParams } from '../../designs/mobilenetv2.ts';
import { extractFeatures, type ExtractorRun } from '../../designs/testbench.ts';
import {
  Prng,
  goldenMobileNetV2,
  importMobileNetV2,
  importedLayerWeights,
  mobileNetV2Golden,
  mobileNetV2Net,
  randomMobileNetV2StateDict,
  randomTensor,
  rawMax,
  type FixedTensor,
  type MobileNetV2Net,
} from '../../lib/index.ts';

const PARAMS: MobileNetV2NetParams = { ...MobileNetV2Stream.defaults, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3 };

type ExtractorSim = DesignSimulator<IOOf<typeof MobileNetV2Stream>>;

/** Reset, then stream the images back to back (the shared test-bench driver: junk on the pixel ports while not valid). */
function stream(sim: ExtractorSim, images: readonly FixedTensor[], tail: number, gapProb = 0): ExtractorRun {
  sim.io.in.valid.poke(0);
  sim.reset(2);
  return extractFeatures(sim, images, { tail, gapProb });
}

describe('MobileNetV2 feature extractor (streaming) in Verilator', () => {
  let sim: ExtractorSim;
  let net: MobileNetV2Net;
  const times: Record<string, number> = {};
  beforeAll(async () => {
    net = mobileNetV2FromParams(PARAMS);
    const t0 = performance.now();
    sim = await simulate(MobileNetV2Stream, PARAMS);
    times.build = (performance.now() - t0) / 1000;
  }, 900_000);
  afterAll(() => {
    sim?.close();
    console.log(`MobileNetV2 test: elaborate + verilate ${times.build?.toFixed(1)} s, simulate ${times.sim?.toFixed(2)} s`);
  });

  it('the truncated network has the intended shape (residual block, head, pool)', () => {
    expect(net.layers.map((l) => `${l.spec.role}:${l.inShape.join('x')}->${l.outShape.join('x')}/s${l.spec.stride}`)).toEqual([
      'stem:12x12x3->6x6x16/s2',
      'depthwise:6x6x16->6x6x16/s1',
      'project:6x6x16->6x6x8/s1',
      'expand:6x6x8->6x6x48/s1',
      'depthwise:6x6x48->3x3x48/s2',
      'project:3x3x48->3x3x8/s1',
      'expand:3x3x8->3x3x48/s1',
      'depthwise:3x3x48->3x3x48/s1',
      'project:3x3x48->3x3x8/s1',
      'head:3x3x8->3x3x24/s1',
    ]);
    expect(net.blocks.map((b) => b.residual)).toEqual([false, false, true]);
    expect(net.features).toBe(24);
  });

  it('two random images back to back: features equal the golden model bit for bit', () => {
    const p = new Prng(2025);
    const images = [randomTensor(p, net.inputShape, net.act, 0.1), randomTensor(p, net.inputShape, net.act, 0.1)];
    const t0 = performance.now();
    const r = stream(sim, images, 200);
    times.sim = (performance.now() - t0) / 1000;
    const want = images.map((im) => mobileNetV2Golden(net, im).features.data);
    expect(r.features.length).toBe(2);
    expect(r.features[0]).toEqual(want[0]);
    expect(r.features[1]).toEqual(want[1]);
    // A meaningful check: the features differ between the images, and are neither all zero nor all saturated.
    expect(want[0]).not.toEqual(want[1]);
    for (const w of want) {
      expect(w.some((v) => v !== 0n)).toBe(true);
      expect(w.some((v) => v !== rawMax(net.act))).toBe(true);
    }
    // Back to back: the second vector one frame (the stem's (H + 1)^2 grid) after the first.
    expect(r.at[1]! - r.at[0]!).toBe(13 * 13);
  });

  it('with random idle cycles at the input (30 %): the same features as the golden model', () => {
    const p = new Prng(31);
    const images = [randomTensor(p, net.inputShape, net.act, 0.1), randomTensor(p, net.inputShape, net.act, 0.1), randomTensor(p, net.inputShape, net.act, 0.1)];
    const r = stream(sim, images, 200, 0.3);
    expect(r.features).toEqual(images.map((im) => mobileNetV2Golden(net, im).features.data));
  });

  it('the golden model itself: the residual really adds the block input', () => {
    const p = new Prng(5);
    const im = randomTensor(p, net.inputShape, net.act, 0.1);
    const g = mobileNetV2Golden(net, im);
    // The last block's output differs from its project output alone (layer 8 without the add).
    const noRes = mobileNetV2Golden({ ...net, blocks: net.blocks.map((b) => ({ ...b, residual: false })) }, im);
    expect(g.layerOutputs[8]!.data).not.toEqual(noRes.layerOutputs[8]!.data);
    expect(g.layerOutputs[7]!.data).toEqual(noRes.layerOutputs[7]!.data);
  });
});

describe('MobileNetV2 golden model against lib/weights goldenMobileNetV2', () => {
  it('the whole imported network (17 blocks, alpha 0.35, 32 x 32): every layer and the features agree', () => {
    const opts = { alpha: 0.35, resolution: 32, classes: 4 };
    const imported = importMobileNetV2(randomMobileNetV2StateDict({ ...opts, seed: 7 }), { ...opts, weightBits: 5, sparsity: 0.5 });
    const net = mobileNetV2Net({ alpha: 0.35, resolution: 32, weights: importedLayerWeights(imported) });
    expect(net.layers.length).toBe(imported.layers.length);
    expect(net.features).toBe(1280);
    const im = randomTensor(new Prng(8), net.inputShape, net.act, 0.1);
    const mine = mobileNetV2Golden(net, im);
    const theirs = goldenMobileNetV2(imported, im);
    mine.layerOutputs.forEach((t, i) => expect(t.data, `layer ${i}`).toEqual(theirs.layers[i]!.data));
    expect(mine.features.data).toEqual(theirs.features.data);
    expect(new Set(mine.features.data).size).toBeGreaterThan(3);
    // The import refuses a truncated network's head (its input width differs).
    expect(() => mobileNetV2Net({ alpha: 0.35, resolution: 32, blocks: 3, weights: importedLayerWeights(imported) })).toThrow(/features\.18\.0\.weight has shape/);
  }, 60_000);
});
