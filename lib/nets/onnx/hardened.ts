// An imported graph as a module with typed streams (one input pixel per cycle in, one output
// position per valid cycle out), and the driver that streams images through its simulation.
import { IO, Input, Output, SInt, Stream, Vec, defineModule } from '../../../dsl/index.ts';
import { formatWidth } from '../../fixed/format.ts';
import type { FixedTensor, Shape3 } from '../../golden/tensor.ts';
import { inferGraph, type Graph } from '../graph.ts';
import { graphStreamingHw, type GraphStreamingOptions, type StageInfo } from '../graph-streaming.ts';

export interface StreamingNetShape {
  readonly outShape: Shape3;
  readonly stages: readonly StageInfo[];
}

/** The streaming hardened form of `g` as a module: `in` (Stream of Vec(C) pixels), `out` (Valid Vec(C') pixels). */
export function graphStreamingModule(g: Graph, o: GraphStreamingOptions = {}, built?: (s: StreamingNetShape) => void) {
  const info = inferGraph(g);
  const outT = info.tensors.get(g.output);
  if (outT === undefined) throw new RangeError(`graph '${g.name}' has no output tensor '${g.output}'`);
  const inC = g.input.shape[2];
  const inW = formatWidth(g.input.fmt);
  const outC = outT.shape[2];
  const outW = formatWidth(outT.fmt);
  return defineModule({
    name: `Net_${g.name.replace(/[^A-Za-z0-9_]/g, '_')}`,
    body: () => {
      const io = IO({
        in: Input(Stream(Vec(inC, SInt(inW)))),
        out: Output(Stream(Vec(outC, SInt(outW)), { alwaysReady: true })),
      });
      const hw = graphStreamingHw(g, { valid: io.in.valid, pixel: io.in.bits.toArray() }, o);
      io.in.ready.connect(hw.ready);
      io.out.valid.connect(hw.output.valid);
      hw.output.pixel.forEach((v, i) => io.out.bits.at(i).connect(v));
      built?.({ outShape: hw.outShape, stages: hw.stages });
      return io;
    },
  });
}

export type StreamingNetModule = ReturnType<typeof graphStreamingModule>;

/** What the runner needs of a loaded simulation of `graphStreamingModule` (sim/'s DesignSimulator is one). */
export interface NetSimulator {
  readonly io: StreamingNetPorts;
  step(): void;
  reset(cycles?: number): void;
  close(): void;
}

/** The simulated ports the driver needs (sim.io of `graphStreamingModule`). */
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
