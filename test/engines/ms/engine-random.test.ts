// Random small nets on one engine with odd array sizes (Po = 3, Px = 5) and a ring
// of 97 words (prime): every layer's output read back at its base equals the
// golden model, the counters equal the schedule model, gating on and off agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/index.ts';
import { Prng } from '../../../lib/index.ts';
import { MsEngine, msCompile, msCompileGraph, msMapFromTensor, msMinRingWords, msNetGolden, msNetSchedule, msPackMap, msRandomNet, msOutSize } from '../../../lib/engines/ms/index.ts';
import { graphGolden } from '../../../lib/index.ts';
import { randomGraphInput, randomMsGraph } from './graph-nets.ts';
import type { MsBits, MsConvShape, MsEngineParams } from '../../../lib/engines/ms/index.ts';
import { idle, loadProgram, readRing, runLayers, writeInput } from '../../../designs/ms-testbench.ts';
import type { EngineSim } from '../../../designs/ms-testbench.ts';

const params: MsEngineParams = {
  po: 3,
  px: 5,
  ringWords: 97,
  wordBits: 64,
  maxLayers: 3,
  maxChannels: 7,
  maxHeight: 9,
  maxWidth: 9,
  maxKernel: 3,
  weightDepth: 3 * 3 * 7 * 9,
  channelDepth: 9,
};

/** A random chain of up to 3 layers that fits the engine and its ring. */
function randomShapes(rng: Prng): MsConvShape[] {
  const bits: MsBits[] = [2, 4, 8];
  for (;;) {
    const n = rng.int(1, 3);
    let c = rng.int(1, 7);
    let h = rng.int(3, 9);
    let w = rng.int(3, 9);
    let inBits = bits[rng.int(0, 2)]!;
    const shapes: MsConvShape[] = [];
    for (let i = 0; i < n; i++) {
      const k = [1, 3][rng.int(0, 1)]!;
      const stride = k === 1 ? 1 : rng.int(1, 2);
      const pad = k === 1 ? 0 : rng.int(0, 1);
      const cout = rng.int(1, 7);
      const outBits = bits[rng.int(0, 2)]!;
      shapes.push({ cin: c, cout, hIn: h, wIn: w, k, stride, pad, inBits, outBits, weightBits: bits[rng.int(0, 2)]! });
      [c, h, w, inBits] = [cout, msOutSize(h, k, stride, pad), msOutSize(w, k, stride, pad), outBits];
      if (h < 1 || w < 1) break;
    }
    if (shapes.length === n && h >= 1 && w >= 1 && msMinRingWords(shapes) <= params.ringWords) return shapes;
  }
}

describe('MsEngine (Po = 3, Px = 5, S = 97) on random nets', () => {
  let sim: EngineSim;
  beforeAll(async () => {
    sim = await simulate(MsEngine, params);
    idle(sim);
    sim.reset();
  });
  afterAll(() => sim?.close());

  it('a layer of 2-bit features and weights takes four input channels per MAC step, 4-bit two: same outputs as at 8 bits, fewer steps and cycles', () => {
    const shape: MsConvShape = { cin: 7, cout: 3, hIn: 6, wIn: 6, k: 3, stride: 1, pad: 1, inBits: 2, outBits: 4, weightBits: 2 };
    const { layers, input } = msRandomNet([shape], { seed: 77, inputZero: 1 });
    const narrow = layers[0]!;
    const runAt = (bits: MsBits) => {
      const l = { ...narrow, inBits: bits, weightBits: bits };
      const prog = msCompile([l], params, { firstBase: 3 });
      loadProgram(sim, prog);
      writeInput(sim, prog, input, bits);
      const run = runLayers(sim, 0, 0, { gating: false, lineRegister: true });
      const want = msPackMap(msNetGolden([l], input)[0]!, l.outBits);
      expect(readRing(sim, params.ringWords, prog.plan.layers[0]!.outBase, want.length), `at ${bits} bits`).toEqual(want);
      const model = msNetSchedule([l], input, { po: params.po, px: params.px, gating: false, lineRegister: true })[0]!;
      expect([run.cycles, run.macSteps]).toEqual([model.cycles, model.macSteps]);
      return run;
    };
    const [two, four, eight] = [runAt(2), runAt(4), runAt(8)];
    // 7 channels: 2 groups of up to 4, 4 groups of up to 2, 7 single channels.
    expect(eight.macSteps / two.macSteps).toBe(7 / 2);
    expect(eight.macSteps / four.macSteps).toBe(7 / 4);
    expect(two.cycles).toBeLessThan(four.cycles);
    expect(four.cycles).toBeLessThan(eight.cycles);
  });

  it("graphs compiled by msCompileGraph: the engine's last map is graphGolden's output, bit for bit", () => {
    let ran = 0;
    for (let seed = 0; ran < 4; seed++) {
      const g = randomMsGraph(500 + seed, { maxLayers: params.maxLayers, maxChannels: params.maxChannels, maxSize: params.maxHeight });
      const gp = msCompileGraph(g);
      if (msMinRingWords(gp.layers) > params.ringWords) continue;
      const prog = msCompile(gp.layers, params, { firstBase: 90 });
      const x = randomGraphInput(g, seed);
      loadProgram(sim, prog);
      writeInput(sim, prog, msMapFromTensor(x, gp.input), gp.input.bits);
      runLayers(sim, 0, gp.layers.length - 1, { gating: true, lineRegister: true });
      const want = msPackMap(msMapFromTensor(graphGolden(g, x).output, gp.output), gp.output.bits);
      expect(readRing(sim, params.ringWords, prog.plan.layers.at(-1)!.outBase, want.length), g.name).toEqual(want);
      ran++;
    }
  });

  it.each(Array.from({ length: 12 }, (_, i) => i))('net %i: outputs at their bases, counters, gating', (seed) => {
    const rng = new Prng(100 + seed);
    const shapes = randomShapes(rng);
    const { layers, input } = msRandomNet(shapes, { seed: 200 + seed, deadFraction: 0.3 });
    const prog = msCompile(layers, params, { firstBase: rng.int(0, params.ringWords - 1) });
    const golden = msNetGolden(layers, input);
    const model = msNetSchedule(layers, input, { po: params.po, px: params.px, gating: true, lineRegister: true });
    loadProgram(sim, prog);
    writeInput(sim, prog, input, layers[0]!.inBits);
    prog.plan.layers.forEach((lp, i) => {
      const run = runLayers(sim, i, i, { gating: true, lineRegister: true });
      const want = msPackMap(golden[i]!, layers[i]!.outBits);
      expect(readRing(sim, params.ringWords, lp.outBase, want.length), `layer ${i} of ${JSON.stringify(shapes[i])}`).toEqual(want);
      expect([run.cycles, run.reads, run.writes]).toEqual([model[i]!.cycles, model[i]!.reads, model[i]!.writes]);
    });
    // Gating off from the same input: the same last output.
    writeInput(sim, prog, input, layers[0]!.inBits);
    runLayers(sim, 0, layers.length - 1, { gating: false, lineRegister: true });
    const want = msPackMap(golden.at(-1)!, layers.at(-1)!.outBits);
    expect(readRing(sim, params.ringWords, prog.plan.layers.at(-1)!.outBase, want.length)).toEqual(want);
  });
});
