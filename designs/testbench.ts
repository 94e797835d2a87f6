// The test bench side of HaShiFix / HaShiFlex (used by their tests and the
// demo; not a design): stream images into a design's `in` port (Decoupled, 3 channels), one
// pixel per cycle while in_ready, and call `sample` after every clock edge.
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
