// The Hyperdrive engine in Verilator (2 x 2 Tile-PUs, 4 lanes, 4 x 4 patches: an 8 x 8 map)
// against the FP16 golden model, bit for bit: single layers (1x1 and 3x3, stride 1 and 2),
// a residual block, a slow weight source; cycle and weight-bit counters against the formulas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { Prng } from '../../lib/util/prng.ts';
import { fp16FromNumber } from '../../lib/float/fp16-model.ts';
import {
  HyperdriveEngine,
  fp16Map,
  hyperdriveDefaults,
  hyperdriveLayerGolden,
  hyperdriveLayerSchedule,
  type Fp16Map,
  type HyperdriveLayer,
} from '../../lib/engines/hyperdrive/index.ts';
import { HyperdriveHost } from './hyperdrive-host.ts';

const params = hyperdriveDefaults; // M = N = 2, C = 4, 4 x 4 patches, 8 channels per slot
const side = params.tileRows * params.patchRows;

function randomMap(rng: Prng, channels: number, height: number, width: number): Fp16Map {
  return fp16Map(channels, height, width, Uint16Array.from({ length: channels * height * width }, () => fp16FromNumber(rng.normal())));
}

function randomLayer(rng: Prng, shape: Pick<HyperdriveLayer, 'inChannels' | 'outChannels' | 'kernel' | 'stride'>, opts: { residual?: boolean; relu?: boolean } = {}): HyperdriveLayer {
  const fanIn = shape.inChannels * shape.kernel ** 2;
  return {
    ...shape,
    weights: Array.from({ length: shape.outChannels * fanIn }, () => rng.nextU32() % 2 === 1),
    // The BWN scale ~ 1/sqrt(fan-in) and a batch-norm affine, folded: t = scale*acc + bias.
    scale: Array.from({ length: shape.outChannels }, () => fp16FromNumber((0.5 + rng.nextFloat()) / Math.sqrt(fanIn))),
    bias: Array.from({ length: shape.outChannels }, () => fp16FromNumber(rng.normal() * 0.3)),
    residual: opts.residual ?? false,
    relu: opts.relu ?? false,
  };
}

/** Pixels per Tile-PU of a layer's output patch. */
const outPatchPixels = (stride: number): number => (params.patchRows / stride) * (params.patchCols / stride);

function expectSameMap(actual: Fp16Map, expected: Fp16Map): void {
  const bad: string[] = [];
  for (let i = 0; i < expected.data.length && bad.length < 5; i++) {
    if (actual.data[i] !== expected.data[i]) bad.push(`element ${i}: got 0x${actual.data[i]!.toString(16)}, golden 0x${expected.data[i]!.toString(16)}`);
  }
  expect(bad).toEqual([]);
}

describe('Hyperdrive engine (2 x 2 Tile-PUs, C = 4) in Verilator vs the FP16 golden model', () => {
  let sim: DesignSimulator<IOOf<typeof HyperdriveEngine>>;
  let host: HyperdriveHost;
  beforeAll(async () => {
    sim = await simulate(HyperdriveEngine, params);
    sim.reset(2);
    host = new HyperdriveHost(sim, params);
  });
  afterAll(() => sim?.close());

  const cases: { name: string; shape: Pick<HyperdriveLayer, 'inChannels' | 'outChannels' | 'kernel' | 'stride'>; relu: boolean }[] = [
    { name: '3x3 stride 1, 4 -> 8, ReLU (the notes example)', shape: { inChannels: 4, outChannels: 8, kernel: 3, stride: 1 }, relu: true },
    { name: '1x1 stride 1, 8 -> 8', shape: { inChannels: 8, outChannels: 8, kernel: 1, stride: 1 }, relu: false },
    { name: '3x3 stride 2, 8 -> 8, ReLU', shape: { inChannels: 8, outChannels: 8, kernel: 3, stride: 2 }, relu: true },
    { name: '1x1 stride 2, 8 -> 6 (a partial lane block)', shape: { inChannels: 8, outChannels: 6, kernel: 1, stride: 2 }, relu: false },
    { name: '3x3 stride 1, 3 -> 5', shape: { inChannels: 3, outChannels: 5, kernel: 3, stride: 1 }, relu: true },
  ];
  cases.forEach(({ name, shape, relu }, index) => {
    it(name, () => {
      const rng = new Prng(100 + index);
      const input = randomMap(rng, shape.inChannels, side, side);
      const layer = randomLayer(rng, shape, { relu });
      host.loadMap(0, input);
      const run = host.runLayer(layer, { inSlot: 0, outSlot: 1 }, { rows: params.patchRows, cols: params.patchCols });
      const out = side / shape.stride;
      expectSameMap(host.readMap(1, shape.outChannels, out, out), hyperdriveLayerGolden(input, layer));

      const schedule = hyperdriveLayerSchedule(layer, params.lanes, outPatchPixels(shape.stride));
      expect(run.cycles).toBe(schedule.cycles);
      expect(run.counted).toEqual({ cycles: schedule.cycles, stallCycles: 0, haloCycles: 0, weightBits: schedule.weightBits });
      expect(schedule.weightBits).toBe(shape.inChannels * shape.outChannels * shape.kernel ** 2);
      expect(run.weightWordsTaken).toBe(schedule.weightWords);
    });
  });

  it('a residual block: conv1 A -> B (3x3, ReLU), conv2 B -> A adding the bypass in place, then ReLU', () => {
    const rng = new Prng(7);
    const input = randomMap(rng, 8, side, side);
    const conv1 = randomLayer(rng, { inChannels: 8, outChannels: 8, kernel: 3, stride: 1 }, { relu: true });
    const conv2 = randomLayer(rng, { inChannels: 8, outChannels: 8, kernel: 3, stride: 1 }, { residual: true, relu: true });
    host.loadMap(0, input);
    const patch = { rows: params.patchRows, cols: params.patchCols };
    const run1 = host.runLayer(conv1, { inSlot: 0, outSlot: 1 }, patch);
    const run2 = host.runLayer(conv2, { inSlot: 1, outSlot: 0 }, patch);
    const golden = hyperdriveLayerGolden(hyperdriveLayerGolden(input, conv1), conv2, input);
    expectSameMap(host.readMap(0, 8, side, side), golden);
    const schedule = hyperdriveLayerSchedule(conv1, params.lanes, outPatchPixels(1));
    expect([run1.cycles, run2.cycles]).toEqual([schedule.cycles, schedule.cycles]);
    expect(run1.counted.weightBits + run2.counted.weightBits).toBe(2 * 8 * 8 * 9);
  });

  it('a slow weight source: the engine waits (stall counter), results and weight bits unchanged', () => {
    const rng = new Prng(11);
    const input = randomMap(rng, 4, side, side);
    const layer = randomLayer(rng, { inChannels: 4, outChannels: 8, kernel: 3, stride: 1 }, { relu: true });
    host.loadMap(0, input);
    const gapRng = new Prng(12);
    const run = host.runLayer(layer, { inSlot: 0, outSlot: 1 }, { rows: params.patchRows, cols: params.patchCols }, () => gapRng.nextU32() % 3 === 0);
    expectSameMap(host.readMap(1, 8, side, side), hyperdriveLayerGolden(input, layer));
    const schedule = hyperdriveLayerSchedule(layer, params.lanes, outPatchPixels(1));
    expect(run.counted.stallCycles).toBeGreaterThan(0);
    expect(run.counted.cycles).toBe(schedule.cycles + run.counted.stallCycles);
    expect(run.counted.weightBits).toBe(schedule.weightBits);
  });
});
