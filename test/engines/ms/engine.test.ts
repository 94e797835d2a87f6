// The memory-stationary engine in Verilator against the integer golden model:
// every layer's output read back from the ring at its base (also with bases that
// wrap), gating on and off (same bits, exactly the skipped cycles fewer), the
// no-line-register baseline, and the counters against the schedule model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/index.ts';
import {
  MsEngine,
  msCompile,
  msEngineParamsFor,
  msLayerSchedule,
  msNetGolden,
  msNetSchedule,
  msPackMap,
  msRandomNet,
  msRowFlags,
  msSumCounts,
} from '../../../lib/engines/ms/index.ts';
import type { MsConvShape, MsEngineParams, MsLayer } from '../../../lib/engines/ms/index.ts';
import { idle, loadDescriptors, loadProgram, readRing, runLayers, writeInput } from '../../../designs/ms-testbench.ts';
import type { EngineSim } from '../../../designs/ms-testbench.ts';

// Four layers on 8x8, every width (2, 4, 8) for features and weights, a strided
// layer, a 1x1 layer, partial channel blocks (6 and 5 outputs on Po = 4) and two
// pixel blocks per row (Px = 4).
const shapes: MsConvShape[] = [
  { cin: 3, cout: 6, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 8, outBits: 4, weightBits: 8 },
  { cin: 6, cout: 8, hIn: 8, wIn: 8, k: 3, stride: 2, pad: 1, inBits: 4, outBits: 2, weightBits: 4 },
  { cin: 8, cout: 8, hIn: 4, wIn: 4, k: 3, stride: 1, pad: 1, inBits: 2, outBits: 4, weightBits: 2 },
  { cin: 8, cout: 5, hIn: 4, wIn: 4, k: 1, stride: 1, pad: 0, inBits: 4, outBits: 8, weightBits: 8 },
];
const { layers, input } = msRandomNet(shapes, { seed: 2026, deadFraction: 0.25 });
const params: MsEngineParams = msEngineParamsFor(layers, { po: 4, px: 4 });
const golden = msNetGolden(layers, input);
const on = { gating: true, lineRegister: true };

function flagsOfInput(i: number): boolean[][] {
  const l = layers[i]!;
  return i === 0 ? Array.from({ length: l.cin }, () => Array<boolean>(l.hIn).fill(true)) : msRowFlags(golden[i - 1]!, l.inZero);
}

function expectLayerOutput(sim: EngineSim, base: number, i: number): void {
  const l: MsLayer = layers[i]!;
  const want = msPackMap(golden[i]!, l.outBits, params.wordBits);
  expect(readRing(sim, params.ringWords, base, want.length), `layer ${i} output at ring address ${base}`).toEqual(want);
}

describe('the golden model and schedule', () => {
  it('has work for gating to skip in this net, and some layer outputs at the zero point', () => {
    const counts = msNetSchedule(layers, input, { po: 4, px: 4, ...on });
    expect(msSumCounts(counts).skippedChannels).toBeGreaterThan(0);
    expect(counts[0]!.skippedChannels).toBe(0); // layer 0's input has no flags
    // Outputs are spread over the range, not all clamped.
    for (const m of golden) expect(new Set(m.values).size).toBeGreaterThan(2);
  });
});

describe('MsEngine in Verilator', () => {
  let sim: EngineSim;
  beforeAll(async () => {
    sim = await simulate(MsEngine, params);
    idle(sim);
    sim.reset();
  });
  afterAll(() => sim?.close());

  const bases = [0, params.ringWords - 11];
  it.each(bases)('every layer\'s output read back at its base equals the golden model (first base %i)', (firstBase) => {
    const prog = msCompile(layers, params, { firstBase });
    loadProgram(sim, prog);
    writeInput(sim, prog, input, layers[0]!.inBits);
    let wrapped = 0;
    prog.plan.layers.forEach((lp, i) => {
      const run = runLayers(sim, i, i, on);
      expectLayerOutput(sim, lp.outBase, i);
      if (lp.outBase + lp.outWords > params.ringWords || lp.inBase + lp.inWords > params.ringWords) wrapped++;
      const model = msLayerSchedule(layers[i]!, flagsOfInput(i), { po: params.po, px: params.px, ...on, wordBits: params.wordBits });
      expect({ cycles: run.cycles, reads: run.reads, writes: run.writes, macSteps: run.macSteps }).toEqual({
        cycles: model.cycles,
        reads: model.reads,
        writes: model.writes,
        macSteps: model.macSteps,
      });
      expect(run.observed).toBe(run.cycles);
    });
    if (firstBase !== 0) expect(wrapped).toBeGreaterThan(0);
  });

  it('gating on and off give the same bits; gating saves exactly the skipped channels\' cycles and reads', () => {
    const prog = msCompile(layers, params, { firstBase: 5 });
    loadProgram(sim, prog);
    const last = prog.plan.layers.at(-1)!;
    const runs = [false, true].map((gating) => {
      writeInput(sim, prog, input, layers[0]!.inBits);
      const run = runLayers(sim, 0, layers.length - 1, { gating, lineRegister: true });
      expectLayerOutput(sim, last.outBase, layers.length - 1);
      return run;
    });
    const [off, gated] = runs as [ReturnType<typeof runLayers>, ReturnType<typeof runLayers>];
    const model = msSumCounts(msNetSchedule(layers, input, { po: params.po, px: params.px, ...on }));
    expect(model.skippedCycles).toBeGreaterThan(0);
    expect(off.cycles - gated.cycles).toBe(model.skippedCycles);
    expect(off.reads - gated.reads).toBe(model.skippedReads);
    expect(gated.cycles).toBe(model.cycles);
    expect(off.writes).toBe(gated.writes);
  });

  it('without the line register (the baseline) the bits are the same and every kernel column re-reads its line', () => {
    const prog = msCompile(layers, params, { firstBase: 0 });
    loadDescriptors(sim, prog.descriptors);
    writeInput(sim, prog, input, layers[0]!.inBits);
    const run = runLayers(sim, 0, layers.length - 1, { gating: false, lineRegister: false });
    expectLayerOutput(sim, prog.plan.layers.at(-1)!.outBase, layers.length - 1);
    const model = msSumCounts(msNetSchedule(layers, input, { po: params.po, px: params.px, gating: false, lineRegister: false }));
    expect(run.reads).toBe(model.reads);
    expect(run.cycles).toBe(model.cycles);
  });
});


describe('MsEngine with a ring one output row below the minimum', () => {
  // The layer that sets the minimum, and a ring one of its output rows smaller.
  const plan = msCompile(layers, params).plan;
  const binding = plan.layers.findIndex((l) => l.minRingWords === plan.minRingWords);
  const small: MsEngineParams = { ...params, ringWords: params.ringWords - plan.layers[binding]!.rowOut };
  let sim: EngineSim;
  beforeAll(async () => {
    sim = await simulate(MsEngine, small);
    idle(sim);
    sim.reset();
  });
  afterAll(() => sim?.close());

  it('is refused by the compiler, and trips the engine\'s monitor when forced', () => {
    const failing = plan.layers.findIndex((l) => l.minRingWords > small.ringWords);
    expect(failing).toBeGreaterThanOrEqual(0);
    expect(failing).toBeLessThanOrEqual(binding);
    expect(() => msCompile(layers, small)).toThrow(new RegExp(`ms layer ${failing} needs a ring of at least ${plan.layers[failing]!.minRingWords} words`));
    const prog = msCompile(layers, small, { unchecked: true });
    loadProgram(sim, prog);
    writeInput(sim, prog, input, layers[0]!.inBits);
    // The layers that fit run; the first that does not overwrites a live input row.
    for (let i = 0; i < failing; i++) runLayers(sim, i, i, on);
    expect(() => runLayers(sim, failing, failing, on)).toThrow(/ms ring monitor: write to live input word/);
  });
});
