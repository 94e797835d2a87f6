// The test-bench side of the image-streaming designs (MobileNetV2, HaShiFix,
// HaShiFlex; used by their tests and the demo; not a design): stream images
// into a design's `in` port (a Stream of a Vec of channels), one pixel per
// cycle while in.ready, sampling after every clock edge; write HaShiFlex's
// classifier and collect its scores. Every port is reached through `sim.io`.
import type { PortHandle } from '../sim/index.ts';
import { Prng, type FixedTensor } from '../lib/index.ts';

/** A simulated `Input(Stream(Vec(C, ...)))` port. */
export interface PixelStreamPort {
  readonly valid: PortHandle;
  readonly ready: PortHandle;
  readonly bits: readonly PortHandle[];
}

/** A simulated design with an image stream in. */
export interface ImageStreamSim<IO extends { readonly in: PixelStreamPort } = { readonly in: PixelStreamPort }> {
  readonly io: IO;
  step(cycles?: number): void;
}

export interface StreamOptions {
  /** Probability of an idle input cycle (default 0: back to back). */
  readonly gapProb?: number;
  /** Called after every clock edge with the cycle number and the pixels not yet taken; return true to stop. */
  readonly sample: (cycle: number, pixelsLeft: number) => boolean;
  readonly limit?: number;
}

/** Junk for a port while its data is not valid: any value of its width. */
function junkValue(port: PortHandle, rng: Prng): bigint {
  const w = Math.min(port.info.width, 30);
  return port.info.signed ? BigInt(rng.int(-(2 ** (w - 1)), 2 ** (w - 1) - 1)) : BigInt(rng.int(0, 2 ** w - 1));
}

/**
 * Stream the images' pixels (HWC, C = the port's channels) back to back into `sim.io.in`.
 * Returns the number of cycles run; throws if `sample` never says stop or a pixel was not taken.
 */
export function streamImages(sim: ImageStreamSim, images: readonly FixedTensor[], o: StreamOptions): number {
  const port = sim.io.in;
  const C = port.bits.length;
  const pixels = images.flatMap((t) => Array.from({ length: t.data.length / C }, (_, i) => t.data.slice(i * C, i * C + C)));
  const junk = new Prng(77);
  let k = 0;
  const limit = o.limit ?? 1_000_000;
  for (let cycle = 0; cycle < limit; cycle++) {
    const have = k < pixels.length && !(o.gapProb && junk.nextFloat() < o.gapProb);
    port.valid.poke(have ? 1 : 0);
    // Junk on the data ports while not valid: the design must ignore it.
    port.bits.forEach((b, i) => b.poke(have ? pixels[k]![i]! : junkValue(b, junk)));
    const took = have && port.ready.peek() === 1;
    sim.step();
    if (took) k++;
    if (o.sample(cycle, pixels.length - k)) {
      if (k !== pixels.length) throw new Error(`streamImages: stopped with ${pixels.length - k} pixels not taken`);
      return cycle + 1;
    }
  }
  throw new Error(`streamImages: no end after ${limit} cycles (${k} of ${pixels.length} pixels taken)`);
}

/** A simulated feature extractor: a pixel stream in, a Valid Vec of features out (designs/mobilenetv2.ts). */
export interface ExtractorIO {
  readonly in: PixelStreamPort;
  readonly out: { readonly valid: PortHandle; readonly bits: readonly PortHandle[] };
}

export interface ExtractorRun {
  /** The feature vectors, in order. */
  readonly features: bigint[][];
  /** Cycle (from the first streaming cycle) of each out.valid. */
  readonly at: number[];
  readonly cycles: number;
}

/** Stream `images` into an extractor and collect its feature vectors until `tail` cycles after the last pixel was taken. */
export function extractFeatures(sim: ImageStreamSim<ExtractorIO>, images: readonly FixedTensor[], o: { readonly gapProb?: number; readonly tail?: number } = {}): ExtractorRun {
  const features: bigint[][] = [];
  const at: number[] = [];
  const { out } = sim.io;
  let idle = 0;
  const cycles = streamImages(sim, images, {
    gapProb: o.gapProb ?? 0,
    sample: (cycle, left) => {
      if (out.valid.peek() === 1) {
        features.push(out.bits.map((b) => BigInt(b.peek())));
        at.push(cycle);
      }
      if (left === 0) idle++;
      return idle >= (o.tail ?? 200);
    },
  });
  return { features, at, cycles };
}

/** A simulated `Valid(Bundle({ row, col, data }))` weight-write port (HaShiFlex's and the NPU's). */
export interface WeightWritePort {
  readonly valid: PortHandle;
  readonly bits: { readonly row: PortHandle; readonly col: PortHandle; readonly data: PortHandle };
}

/** Write weights[o][j] (or only the `only` cells) through a weight port, one word per cycle; returns the cycles taken. */
export function writeClassifier(sim: { readonly io: { readonly wWrite: WeightWritePort }; step(cycles?: number): void }, weights: readonly (readonly bigint[])[], only?: readonly [number, number][]): number {
  const port = sim.io.wWrite;
  const cells = only ?? weights.flatMap((row, o) => row.map((_, j): [number, number] => [o, j]));
  port.valid.poke(1);
  for (const [o, j] of cells) {
    port.bits.row.poke(o);
    port.bits.col.poke(j);
    port.bits.data.poke(weights[o]![j]!);
    sim.step();
  }
  port.valid.poke(0);
  return cells.length;
}

export interface FlexRun {
  /** The k scores of each image, in order. */
  readonly scores: bigint[][];
  /** Cycle of each image's `done`, counted from the first streaming cycle. */
  readonly done: number[];
}

/** HaShiFlex's ports as the test bench uses them. */
export interface FlexIO {
  readonly in: PixelStreamPort;
  readonly result: { readonly valid: PortHandle; readonly bits: { readonly index: PortHandle; readonly score: PortHandle } };
  readonly done: PortHandle;
}

/** Stream `images` through HaShiFlex and collect every image's scores (classes in index order, checked). */
export function classifyFlex(sim: ImageStreamSim<FlexIO>, images: readonly FixedTensor[], classes: number, gapProb = 0): FlexRun {
  const scores: bigint[][] = [];
  const done: number[] = [];
  let current: bigint[] = [];
  const { result } = sim.io;
  streamImages(sim, images, {
    gapProb,
    sample: (cycle) => {
      if (result.valid.peek() === 1) {
        const index = Number(result.bits.index.peek());
        if (index !== current.length) throw new Error(`classifyFlex: class ${index} came where ${current.length} was due`);
        current.push(BigInt(result.bits.score.peek()));
        if (current.length === classes) {
          scores.push(current);
          current = [];
        }
      }
      if (sim.io.done.peek() === 1) done.push(cycle);
      return done.length === images.length;
    },
  });
  return { scores, done };
}

/** HaShiFix's ports as the test bench uses them. */
export interface FixIO {
  readonly in: PixelStreamPort;
  readonly scores: { readonly valid: PortHandle; readonly bits: readonly PortHandle[] };
}

/** Stream images through HaShiFix and collect each image's scores (all classes in one valid cycle per image). */
export function classifyFix(sim: ImageStreamSim<FixIO>, images: readonly FixedTensor[]): bigint[][] {
  const scores: bigint[][] = [];
  const { scores: port } = sim.io;
  streamImages(sim, images, {
    sample: () => {
      if (port.valid.peek() === 1) scores.push(port.bits.map((s) => BigInt(s.peek())));
      return scores.length === images.length;
    },
  });
  return scores;
}
