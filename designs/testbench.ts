// The test-bench side of HaShiFix / HaShiFlex (used by their tests and the
// demo; not a design): stream images into a design's `in` port (Decoupled, 3
// channels), one pixel per cycle while in_ready, sampling after every clock
// edge; write HaShiFlex's classifier and collect its scores.
import type { DesignSimulator } from '../sim/index.ts';
import { Prng, type FixedTensor } from '../lib/index.ts';

export interface StreamOptions {
  /** Probability of an idle input cycle (default 0: back to back). */
  readonly gapProb?: number;
  /** Called after every clock edge with the cycle number; return true to stop. */
  readonly sample: (cycle: number) => boolean;
  readonly limit?: number;
}

/** Returns the number of cycles run; throws if `sample` never says stop or a pixel was not taken. */
export function streamImages(sim: DesignSimulator, images: readonly FixedTensor[], o: StreamOptions): number {
  const pixels = images.flatMap((t) => Array.from({ length: t.data.length / 3 }, (_, i) => t.data.slice(i * 3, i * 3 + 3)));
  const junk = new Prng(77);
  let k = 0;
  const limit = o.limit ?? 1_000_000;
  for (let cycle = 0; cycle < limit; cycle++) {
    const have = k < pixels.length && !(o.gapProb && junk.nextFloat() < o.gapProb);
    sim.poke('in_valid', have ? 1 : 0);
    // Junk on the data ports while not valid: the design must ignore it.
    for (let i = 0; i < 3; i++) sim.poke(`in_bits_${i}`, have ? pixels[k]![i]! : BigInt(junk.int(-128, 127)));
    const took = have && sim.peek('in_ready') === 1;
    sim.step();
    if (took) k++;
    if (o.sample(cycle)) {
      if (k !== pixels.length) throw new Error(`streamImages: stopped with ${pixels.length - k} pixels not taken`);
      return cycle + 1;
    }
  }
  throw new Error(`streamImages: no end after ${limit} cycles (${k} of ${pixels.length} pixels taken)`);
}

/** Write weights[o][j] through HaShiFlex's classifier port, one word per cycle; returns the cycles taken. */
export function writeClassifier(sim: DesignSimulator, weights: readonly (readonly bigint[])[]): number {
  sim.poke('wWrite_valid', 1);
  let cycles = 0;
  weights.forEach((row, o) =>
    row.forEach((w, j) => {
      sim.poke('wWrite_bits_row', o);
      sim.poke('wWrite_bits_col', j);
      sim.poke('wWrite_bits_data', w);
      sim.step();
      cycles++;
    }),
  );
  sim.poke('wWrite_valid', 0);
  return cycles;
}

export interface FlexRun {
  /** The k scores of each image, in order. */
  readonly scores: bigint[][];
  /** Cycle of each image's `done`, counted from the first streaming cycle. */
  readonly done: number[];
}

/** Stream `images` through HaShiFlex and collect every image's scores (classes in index order, checked). */
export function classifyFlex(sim: DesignSimulator, images: readonly FixedTensor[], classes: number, gapProb = 0): FlexRun {
  const scores: bigint[][] = [];
  const done: number[] = [];
  let current: bigint[] = [];
  streamImages(sim, images, {
    gapProb,
    sample: (cycle) => {
      if (sim.peek('result_valid') === 1) {
        const index = Number(sim.peek('result_bits_index'));
        if (index !== current.length) throw new Error(`classifyFlex: class ${index} came where ${current.length} was due`);
        current.push(BigInt(sim.peek('result_bits_score')));
        if (current.length === classes) {
          scores.push(current);
          current = [];
        }
      }
      if (sim.peek('done') === 1) done.push(cycle);
      return done.length === images.length;
    },
  });
  return { scores, done };
}

/** Stream images through HaShiFix and collect each image's `classes` scores (one valid cycle per image). */
export function classifyFix(sim: DesignSimulator, images: readonly FixedTensor[], classes: number): bigint[][] {
  const scores: bigint[][] = [];
  streamImages(sim, images, {
    sample: () => {
      if (sim.peek('scores_valid') === 1) scores.push(Array.from({ length: classes }, (_, i) => BigInt(sim.peek(`scores_bits_${i}`))));
      return scores.length === images.length;
    },
  });
  return scores;
}
