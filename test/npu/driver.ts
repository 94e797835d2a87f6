// Shared by the NPU tests (not a test file): drive the NPU's host ports and
// record what the result port shows, cycle by cycle, in a Verilator model.
import type { IOOf } from '../../dsl/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { Npu, Prng, rawMax, rawMin, type QFormat } from '../../lib/index.ts';
import { writeClassifier } from '../../designs/testbench.ts';

/** The NPU in Verilator, its ports typed (`sim.io`). */
export type NpuSim = DesignSimulator<IOOf<typeof Npu>>;

export interface NpuRun {
  /** Cycle index (the start cycle is 0) of every valid result. */
  readonly results: { cycle: number; index: number; score: bigint }[];
  /** Cycle in which `done` was high (exactly one, checked). */
  readonly doneCycle: number;
  /** Number of cycles `busy` was high (checked contiguous from cycle 0). */
  readonly busyCycles: number;
}

export function idle(sim: NpuSim): void {
  sim.io.start.poke(0);
  sim.io.wWrite.valid.poke(0);
  sim.io.xWrite.valid.poke(0);
}

/** Write weights[o][j] (or only the `only` cells) through the host weight port, one word per cycle (the shared test-bench writer). */
export function writeWeights(sim: NpuSim, weights: readonly (readonly bigint[])[], only?: readonly [number, number][]): void {
  writeClassifier(sim, weights, only);
}

/** Write the features through the host feature port, one word per cycle. */
export function writeFeatures(sim: NpuSim, features: readonly bigint[]): void {
  const x = sim.io.xWrite;
  x.valid.poke(1);
  features.forEach((v, j) => {
    x.bits.addr.poke(j);
    x.bits.data.poke(v);
    sim.step();
  });
  x.valid.poke(0);
}

/**
 * Pulse `start` for one cycle (cycle 0) and watch the outputs until `tail`
 * cycles after `done`. Each cycle: sample the ports (after the inputs of that
 * cycle are applied), then one clock edge.
 */
export function runOnce(sim: NpuSim, tail = 3, limit = 100_000): NpuRun {
  const io = sim.io;
  const results: NpuRun['results'] = [];
  const busy: number[] = [];
  const done: number[] = [];
  io.start.poke(1);
  let end = -1;
  for (let n = 0; n < limit && (end < 0 || n <= end + tail); n++) {
    if (io.result.valid.peek() === 1) {
      results.push({ cycle: n, index: Number(io.result.bits.index.peek()), score: BigInt(io.result.bits.score.peek()) });
    }
    if (io.busy.peek() === 1) busy.push(n);
    if (io.done.peek() === 1) {
      done.push(n);
      if (end < 0) end = n;
    }
    sim.step();
    io.start.poke(0);
  }
  if (done.length !== 1) throw new Error(`done was high in cycles [${done.join(', ')}], expected exactly one`);
  busy.forEach((c, i) => {
    if (c !== i) throw new Error(`busy not contiguous from cycle 0: [${busy.join(', ')}]`);
  });
  return { results, doneCycle: done[0]!, busyCycles: busy.length };
}

/** Random raw codes of a format; about one in four is a corner (min or max). */
export function randomRaw(rng: Prng, fmt: QFormat, n: number): bigint[] {
  return Array.from({ length: n }, () => {
    const r = rng.int(0, 7);
    if (r === 0) return rawMin(fmt);
    if (r === 1) return rawMax(fmt);
    return rng.bigint(rawMin(fmt), rawMax(fmt));
  });
}
