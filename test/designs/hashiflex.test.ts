// HaShiFlex end to end in Verilator: a small MobileNetV2-shaped extractor
// (alpha 0.35, 12 x 12, 3 blocks with a residual, 24 features) feeding the
// classifier NPU. Images streamed back to back; every score equals the golden
// model's (the extractor's golden model, then the NPU's); new classifier
// weights written through the port change the scores in the same simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IOOf } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import { HaShiFlex, hashiFlexBuild, hashiFlexDefaults, hashiFlexGolden, type HaShiFlexParams } from '../../designs/hashiflex.ts';
import { classifyFlex as classify, writeClassifier as writeWeights } from '../../designs/testbench.ts';
import { type MobileNetV2Build } from '../../designs/mobilenetv2.ts';
import { Prng, npuCycles, qformat, randomFixedClassifier, randomTensor } from '../../lib/index.ts';

const P: HaShiFlexParams = { ...hashiFlexDefaults, fe: { ...hashiFlexDefaults.fe, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3 }, classes: 6, lanes: 4 };

describe('HaShiFlex (MobileNetV2 features + classifier NPU) in Verilator', () => {
  let sim: DesignSimulator<IOOf<typeof HaShiFlex>>;
  let build: MobileNetV2Build;
  const taskA = randomFixedClassifier({ classes: P.classes, features: P.fe.headChannels, seed: 1, fmt: qformat(P.wInt, P.wFrac) });
  const taskB = randomFixedClassifier({ classes: P.classes, features: P.fe.headChannels, seed: 2, fmt: qformat(P.wInt, P.wFrac) });
  beforeAll(async () => {
    build = hashiFlexBuild(P);
    sim = await simulate(HaShiFlex, P);
    sim.io.in.valid.poke(0);
    sim.io.wWrite.valid.poke(0);
    sim.reset(2);
  }, 900_000);
  afterAll(() => sim?.close());

  const images = (seed: number, n: number) => {
    const p = new Prng(seed);
    return Array.from({ length: n }, () => randomTensor(p, build.net.inputShape, build.net.act, 0.1));
  };

  it('three images back to back: every score equals the golden model', () => {
    writeWeights(sim, taskA.weights);
    const ims = images(11, 3);
    const r = classify(sim, ims, P.classes);
    const want = ims.map((im) => hashiFlexGolden(P, build, taskA.weights, im).scores);
    expect(r.scores).toEqual(want);
    expect(want[0]).not.toEqual(want[1]);
    // Images are at least one NPU run apart (its n + 1 busy cycles and the
    // cycle that loads the next features) and at least one stem frame (13 x 13
    // grid positions): here the extractor, with its tail latency, is the bound.
    const npu = npuCycles({ classes: P.classes, features: build.net.features, lanes: P.lanes });
    const gap = r.done[2]! - r.done[1]!;
    expect(gap).toBe(r.done[1]! - r.done[0]!);
    expect(gap).toBeGreaterThan(13 * 13);
    expect(gap).toBeGreaterThanOrEqual(npu + 2);
  });

  it('with idle input cycles: the same scores', () => {
    const ims = images(12, 2);
    const r = classify(sim, ims, P.classes, 0.3);
    expect(r.scores).toEqual(ims.map((im) => hashiFlexGolden(P, build, taskA.weights, im).scores));
  });

  it('a second classifier written through the port gives the new golden scores, same simulator', () => {
    const ims = images(13, 2);
    const before = classify(sim, ims, P.classes).scores;
    writeWeights(sim, taskB.weights);
    const after = classify(sim, ims, P.classes).scores;
    expect(after).toEqual(ims.map((im) => hashiFlexGolden(P, build, taskB.weights, im).scores));
    expect(after).not.toEqual(before);
    // The features (hardened part) are those of the golden model in both tasks.
    expect(hashiFlexGolden(P, build, taskA.weights, ims[0]!).features).toEqual(hashiFlexGolden(P, build, taskB.weights, ims[0]!).features);
  });
});
