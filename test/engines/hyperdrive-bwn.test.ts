// The trained binary-weight network (train/hashi_train/bwn.py, weights/hyperdrive-bwn.json)
// end to end: every test image of the digits through the Hyperdrive engine in Verilator
// (2 x 2 Tile-PUs, 4 lanes, 16 channels) and through the FP16 golden model. The four conv
// layers' output maps must be equal bit for bit, image by image; the host's pool and
// classifier then give the same predictions. Accuracy is compared with the float32 model's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { fp16FromNumber, fp16ToNumber } from '../../lib/float/fp16-model.ts';
import { HyperdriveEngine, fp16Map, hyperdriveLayerGolden, type Fp16Map, type HyperdriveLayer, type HyperdriveParams } from '../../lib/engines/hyperdrive/index.ts';
import { HyperdriveHost } from './hyperdrive-host.ts';

interface ExportedLayer {
  inChannels: number;
  outChannels: number;
  kernel: 3;
  stride: 1 | 2;
  relu: boolean;
  residualFrom: number | null;
  weights: number[];
  scale: number[];
  bias: number[];
}
interface Exported {
  layers: ExportedLayer[];
  classifier: { weights: number[][]; bias: number[] };
  test: { pixels: number[][]; labels: number[]; fp32Predictions: number[] };
  accuracy: { fp32: number };
}

const file = join(import.meta.dirname, '../../train/weights/hyperdrive-bwn.json');
const exported = JSON.parse(readFileSync(file, 'utf8')) as Exported;
const params: HyperdriveParams = { tileRows: 2, tileCols: 2, lanes: 4, patchRows: 4, patchCols: 4, maxChannels: 16 };

// The engine's FP16 parameters: the float32 scale and bias rounded once to FP16.
const layers: HyperdriveLayer[] = exported.layers.map((l) => ({
  inChannels: l.inChannels,
  outChannels: l.outChannels,
  kernel: l.kernel,
  stride: l.stride,
  weights: l.weights.map((w) => w === 1),
  scale: l.scale.map(fp16FromNumber),
  bias: l.bias.map(fp16FromNumber),
  residual: l.residualFrom !== null,
  relu: l.relu,
}));
// Slots: each layer writes the slot it does not read; a residual layer writes onto its bypass (the block's input).
const slots = [
  { inSlot: 0, outSlot: 1 },
  { inSlot: 1, outSlot: 0 },
  { inSlot: 0, outSlot: 1 },
  { inSlot: 1, outSlot: 0 },
];

function inputMap(pixels: number[]): Fp16Map {
  return fp16Map(1, 8, 8, Uint16Array.from(pixels, (p) => fp16FromNumber(p / 16))); // p / 16: exact in FP16
}

function goldenFeatures(input: Fp16Map): Fp16Map {
  const outs: Fp16Map[] = [];
  let x = input;
  exported.layers.forEach((l, i) => {
    x = hyperdriveLayerGolden(x, layers[i]!, l.residualFrom === null ? undefined : outs[l.residualFrom]);
    outs.push(x);
  });
  return x;
}

/** The host's head: global average pool and the float classifier (float64, the same for both). */
function classify(features: Fp16Map): number {
  const pixels = features.height * features.width;
  const pooled = Array.from({ length: features.channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < pixels; i++) s += fp16ToNumber(features.data[c * pixels + i]!);
    return s / pixels;
  });
  const scores = exported.classifier.weights.map((row, k) => row.reduce((a, w, c) => a + w * pooled[c]!, exported.classifier.bias[k]!));
  return scores.indexOf(Math.max(...scores));
}

describe('Hyperdrive runs the trained BWN (digits test split) bit-exact against the FP16 golden model', () => {
  let sim: DesignSimulator<unknown>;
  beforeAll(async () => {
    sim = await simulate(HyperdriveEngine, params);
    sim.reset(2);
  });
  afterAll(() => sim?.close());

  it('every test image: the same features and predictions; accuracy beside the float32 model', () => {
    const host = new HyperdriveHost(sim, params);
    const { pixels, labels } = exported.test;
    expect(labels.length).toBe(450);
    let differingImages = 0;
    let correctEngine = 0;
    let correctGolden = 0;
    let predictionsDiffer = 0;
    let cyclesPerImage = 0;
    pixels.forEach((image, n) => {
      const input = inputMap(image);
      host.loadMap(0, input);
      let cycles = 0;
      let size = 8;
      layers.forEach((layer, i) => {
        cycles += host.runLayer(layer, slots[i]!, host.patchOf(size, size)).counted.cycles;
        size /= layer.stride;
      });
      const fromEngine = host.readMap(0, 16, 4, 4);
      const golden = goldenFeatures(input);
      if (fromEngine.data.some((v, k) => v !== golden.data[k])) differingImages++;
      const predicted = classify(fromEngine);
      if (predicted !== classify(golden)) predictionsDiffer++;
      if (predicted === labels[n]) correctEngine++;
      if (classify(golden) === labels[n]) correctGolden++;
      cyclesPerImage = cycles;
    });
    const accuracy = correctEngine / labels.length;
    console.log(`Hyperdrive BWN: FP16 engine ${(100 * accuracy).toFixed(2)} % (golden ${(100 * correctGolden / labels.length).toFixed(2)} %), float32 ${(100 * exported.accuracy.fp32).toFixed(2)} %, ${cyclesPerImage} cycles per image`);
    expect({ differingImages, predictionsDiffer }).toEqual({ differingImages: 0, predictionsDiffer: 0 });
    // 4 blocks x (1*9*16 + 16) + 3 layers x 4 blocks x (16*9*4 + 4): the schedule's formula.
    expect(cyclesPerImage).toBe(4 * (9 * 16 + 16) + 3 * 4 * (16 * 9 * 4 + 4));
    expect(accuracy).toBeGreaterThan(exported.accuracy.fp32 - 0.02);
  }, 600_000);
});
