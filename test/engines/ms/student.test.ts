// The trained residual-free student (train/hashi_train/ms_student.py, distilled
// from a residual teacher, widths per layer) end to end: the TypeScript golden
// model reproduces the Python integer scores of every test image, and the engine
// in Verilator predicts every test image exactly as the golden model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/index.ts';
import { MsEngine, msCompile, msEngineParamsFor, msNetGolden, msUnpackMap } from '../../../lib/engines/ms/index.ts';
import type { MsLayer, MsMap } from '../../../lib/engines/ms/index.ts';
import { idle, loadProgram, readRing, runLayers, writeInput } from '../../../designs/ms-testbench.ts';
import type { EngineSim } from '../../../designs/ms-testbench.ts';

interface StudentFile {
  readonly accuracy: { teacherFloat: number; studentFloat: number; studentQat: number; studentInteger: number };
  readonly layers: readonly MsLayer[];
  readonly test: { pixels: number[][]; labels: number[]; scores: number[][]; predictions: number[] };
}

const file: StudentFile = JSON.parse(readFileSync(new URL('../../../train/weights/ms-student.json', import.meta.url), 'utf8'));
const layers = file.layers;
const image = (i: number): MsMap => ({ c: 1, h: 8, w: 8, values: file.test.pixels[i]! });
const argmax = (v: readonly number[]) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);

describe('the distilled student', () => {
  it('is plain, 8 bits at both ends, mixed in between', () => {
    expect(layers.length).toBe(6);
    expect([layers[0]!.inBits, layers[0]!.weightBits, layers.at(-1)!.weightBits, layers.at(-1)!.outBits]).toEqual([8, 8, 8, 8]);
    expect(new Set(layers.flatMap((l) => [l.weightBits, l.outBits])).size).toBe(3); // 2, 4 and 8 bits
  });

  it('the golden model gives the Python integer scores of every test image', () => {
    let correct = 0;
    file.test.pixels.forEach((_, i) => {
      const scores = msNetGolden(layers, image(i)).at(-1)!.values;
      expect(scores, `image ${i}`).toEqual(file.test.scores[i]);
      expect(argmax(scores)).toBe(file.test.predictions[i]);
      if (argmax(scores) === file.test.labels[i]) correct++;
    });
    expect(correct / file.test.labels.length).toBe(file.accuracy.studentInteger);
    expect(file.accuracy.studentInteger).toBeGreaterThan(0.85);
  });
});

describe('the distilled student on the engine (Verilator, Po = Px = 4)', () => {
  const params = msEngineParamsFor(layers, { po: 4, px: 4 });
  const prog = msCompile(layers, params);
  let sim: EngineSim;
  beforeAll(async () => {
    sim = await simulate(MsEngine, params);
    idle(sim);
    sim.reset();
    loadProgram(sim, prog);
  });
  afterAll(() => sim?.close());

  it('predicts every test image as the golden model, bit-exact scores, with gating on', () => {
    const last = prog.plan.layers.at(-1)!;
    const run = (i: number, gating: boolean) => {
      writeInput(sim, prog, image(i), 8);
      const counts = runLayers(sim, 0, layers.length - 1, { gating, lineRegister: true });
      const words = readRing(sim, params.ringWords, last.outBase, last.outWords);
      return { counts, scores: msUnpackMap(words, { c: 10, h: 1, w: 1 }, 8, params.wordBits).values };
    };
    let cyclesOn = 0;
    let cyclesOff = 0;
    let sampled = 0;
    file.test.pixels.forEach((_, i) => {
      const on = run(i, true);
      expect(on.scores, `image ${i}`).toEqual(file.test.scores[i]);
      if (i % 10 === 0) {
        // Gating off: the same scores, never fewer cycles.
        const off = run(i, false);
        expect(off.scores, `image ${i}, gating off`).toEqual(on.scores);
        expect(off.counts.cycles).toBeGreaterThanOrEqual(on.counts.cycles);
        cyclesOn += on.counts.cycles;
        cyclesOff += off.counts.cycles;
        sampled++;
      }
    });
    console.log(`ms student: cycles per image (every 10th test image) gating off ${cyclesOff / sampled}, on ${cyclesOn / sampled}: ${(cyclesOff / cyclesOn).toFixed(3)}x`);
  });
});
