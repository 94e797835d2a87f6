// Drives simulations of a graph's hardened forms and collects the outputs: the streaming form
// (designs/cnn.ts `cnnModule`: `in` = Stream(Vec(C)) pixels, `out` = Valid(Vec(C')) output
// pixels) and the unrolled form (`cnnUnrolledModule`: the whole HWC tensor in and out, combinational).
import type { FixedTensor } from '../../golden/tensor.ts';

/** What the runner needs of a loaded simulation of `cnnModule` (sim/'s DesignSimulator is one). */
export interface NetSimulator {
  readonly io: StreamingNetPorts;
  step(): void;
  reset(cycles?: number): void;
  close(): void;
}

/** The simulated ports the driver needs (sim.io of `cnnModule`). */
export interface StreamingNetPorts {
  readonly in: { readonly valid: PortLike; readonly ready: PortLike; readonly bits: readonly PortLike[] };
  readonly out: { readonly valid: PortLike; readonly bits: readonly PortLike[] };
}
interface PortLike {
  poke(v: number | bigint): void;
  peek(): number | bigint;
}

export interface StreamRun {
  /** Each image's output tensor (HWC raw), in order. */
  readonly outputs: bigint[][];
  /** Cycles from the first pixel offered to the last output of all images. */
  readonly cycles: number;
}

/**
 * Resets the net, streams the images back to back (one pixel per cycle while `in.ready`) and
 * collects `outPositions` output pixels per image. Throws if the outputs do not all come within `limit` cycles.
 */
export function streamThrough(sim: NetSimulator, images: readonly FixedTensor[], outPositions: number, limit = 1_000_000): StreamRun {
  const io = sim.io;
  const C = io.in.bits.length;
  io.in.valid.poke(0);
  sim.reset(2);
  const pixels = images.flatMap((t) => Array.from({ length: t.data.length / C }, (_, i) => t.data.slice(i * C, i * C + C)));
  const want = images.length * outPositions;
  const got: bigint[] = [];
  let k = 0;
  for (let cycle = 0; cycle < limit; cycle++) {
    const have = k < pixels.length;
    io.in.valid.poke(have ? 1 : 0);
    pixels[have ? k : 0]!.forEach((v, i) => io.in.bits[i]!.poke(have ? v : 0n));
    const took = have && Number(io.in.ready.peek()) === 1;
    if (Number(io.out.valid.peek()) === 1) for (const b of io.out.bits) got.push(BigInt(b.peek()));
    sim.step();
    if (took) k++;
    if (got.length === want * io.out.bits.length) {
      const per = outPositions * io.out.bits.length;
      return { outputs: images.map((_, i) => got.slice(i * per, (i + 1) * per)), cycles: cycle + 1 };
    }
  }
  throw new Error(`streamThrough: ${got.length / io.out.bits.length} of ${want} output pixels after ${limit} cycles (${k} of ${pixels.length} input pixels taken)`);
}

/** What the runner needs of a loaded simulation of `cnnUnrolledModule`. */
export interface UnrolledNetSimulator {
  readonly io: { readonly in: readonly PortLike[]; readonly out: readonly PortLike[] };
  close(): void;
}

/** Applies each image to the unrolled net (combinational: one image per evaluation) and reads the whole output tensor. */
export function evaluateUnrolled(sim: UnrolledNetSimulator, images: readonly FixedTensor[]): StreamRun {
  const outputs = images.map((t) => {
    if (t.data.length !== sim.io.in.length) throw new RangeError(`evaluateUnrolled: an image of ${t.data.length} values, the net takes ${sim.io.in.length}`);
    t.data.forEach((v, i) => sim.io.in[i]!.poke(v));
    return sim.io.out.map((p) => BigInt(p.peek()));
  });
  return { outputs, cycles: images.length };
}
