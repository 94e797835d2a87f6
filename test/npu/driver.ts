// Shared by the NPU tests (not a test file): drive the NPU's host ports and
// record what the result port shows, cycle by cycle, in a Verilator model.
import type { DesignSimulator } from '../../sim/index.ts';
import { Prng, rawMax, rawMin, type QFormat } from '../../lib/index.ts';

export interface NpuRun {
  /** Cycle index (the start cycle is 0) of every valid result. */
  readonly results: { cycle: number; index: number; score: bigint }[];
  /** Cycle in which `done` was high (exactly one, checked). */
  readonly doneCycle: number;
  /** Number of cycles `busy` was high (checked contiguous from cycle 0). */
  readonly busyCycles: number;
}

export function idle(sim: DesignSimulator): void {
  sim.poke('start', 0);
  sim.poke('wWrite_valid', 0);
  sim.poke('xWrite_valid', 0);
}

/** Write weights[o][j] through the host weight port, one word per cycle. */
export function writeWeights(sim: DesignSimulator, weights: readonly (readonly bigint[])[], only?: readonly [number, number][]): void {
  const cells = only ?? weights.flatMap((row, o) => row.map((_, j) => [o, j] as [number, number]));
  sim.poke('wWrite_valid', 1);
  for (const [o, j] of cells) {
    sim.poke('wWrite_bits_row', o);
    sim.poke('wWrite_bits_col', j);
    sim.poke('wWrite_bits_data', weights[o]![j]!);
    sim.step();
  }
  sim.poke('wWrite_valid', 0);
}

/** Write the features through the host feature port, one word per cycle. */
export function writeFeatures(sim: DesignSimulator, features: readonly bigint[]): void {
  sim.poke('xWrite_valid', 1);
  features.forEach((x, j) => {
    sim.poke('xWrite_bits_addr', j);
    sim.poke('xWrite_bits_data', x);
    sim.step();
  });
  sim.poke('xWrite_valid', 0);
}

/**
 * Pulse `start` for one cycle (cycle 0) and watch the outputs until `tail`
 * cycles after `done`. Each cycle: sample the ports (after the inputs of that
 * cycle are applied), then one clock edge.
 */
export function runOnce(sim: DesignSimulator, tail = 3, limit = 100_000): NpuRun {
  const results: NpuRun['results'] = [];
  const busy: number[] = [];
  const done: number[] = [];
  sim.poke('start', 1);
  let end = -1;
  for (let n = 0; n < limit && (end < 0 || n <= end + tail); n++) {
    if (sim.peek('result_valid') === 1) {
      results.push({ cycle: n, index: Number(sim.peek('result_bits_index')), score: BigInt(sim.peek('result_bits_score')) });
    }
    if (sim.peek('busy') === 1) busy.push(n);
    if (sim.peek('done') === 1) {
      done.push(n);
      if (end < 0) end = n;
    }
    sim.step();
    sim.poke('start', 0);
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
