// The fully unrolled MobileNetV2 extractor (the paper's form) in Verilator: a
// tiny net (4 x 4, 3 blocks with a residual, 8 features) takes a whole image at once and its
// combinational features equal the golden model's (the one the streaming form
// is checked against too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { MobileNetV2Unrolled, mobileNetV2FromParams, type MobileNetV2NetParams } from '../../designs/mobilenetv2.ts';
import { Prng, mobileNetV2Golden, randomTensor, rawMax, type MobileNetV2Net } from '../../lib/index.ts';

const P: MobileNetV2NetParams = { ...MobileNetV2Unrolled.defaults, alpha: 0.35, resolution: 4, blocks: 3, headChannels: 8, sparsity: 0.5, seed: 4 };

describe('MobileNetV2, fully unrolled, in Verilator', () => {
  let sim: DesignSimulator<IOOf<typeof MobileNetV2Unrolled>>;
  let net: MobileNetV2Net;
  beforeAll(async () => {
    net = mobileNetV2FromParams(P);
    sim = await simulate(MobileNetV2Unrolled, P);
  }, 900_000);
  afterAll(() => sim?.close());

  it('every image\'s features equal the golden model in the same cycle', () => {
    const p = new Prng(808);
    const seen = new Set<string>();
    for (let n = 0; n < 6; n++) {
      const im = randomTensor(p, net.inputShape, net.act, 0.15);
      im.data.forEach((v, i) => sim.io.in[i]!.poke(v));
      const got = sim.io.out.map((y) => BigInt(y.peek()));
      const want = mobileNetV2Golden(net, im).features.data;
      expect(got).toEqual(want);
      seen.add(want.join(','));
      expect(want.some((v) => v !== 0n && v !== rawMax(net.act))).toBe(true);
    }
    expect(seen.size).toBe(6); // different images, different features
  });
});
