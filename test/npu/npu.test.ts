// The classifier NPU in Verilator: bit-exact scores against the golden model,
// cycle counts measured on the result/done ports against SCALE-Sim's formula,
// and weights rewritten through the host port in the same simulator instance.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.ts';
import { Npu, Prng, npuCycles, npuDefaults, npuFeatureFormat, npuGolden, npuLastResultCycle, npuWeightFormat, rawMax, rawMin } from '../../lib/index.ts';
import type { NpuParams } from '../../lib/index.ts';
import { idle, randomRaw, runOnce, writeFeatures, writeWeights, type NpuSim } from './driver.ts';

// Four shapes; the formats vary too, so every requantization path is covered:
// right shift with saturation, a larger shift, full width (no shift, no
// saturation possible) and a left shift with saturation.
// `cycles`: SCALE-Sim's ceil(k/L) * (k_fe + L - 1) - 1, written out by hand.
// `last`: the cycle of the last score (earlier than done when the last fold is partial).
const shapes: { name: string; p: NpuParams; cycles: number; last: number }[] = [
  { name: 'k=10 k_fe=16 L=4, W Q2.6 x Q3.5 -> Q8.8', p: { ...npuDefaults, classes: 10, features: 16, lanes: 4 }, cycles: 3 * 19 - 1, last: 54 },
  { name: 'k=7 k_fe=5 L=3, W Q1.7 x Q3.5 -> Q4.4', p: { ...npuDefaults, classes: 7, features: 5, lanes: 3, wInt: 1, wFrac: 7, outInt: 4, outFrac: 4 }, cycles: 3 * 7 - 1, last: 18 },
  { name: 'k=16 k_fe=32 L=16, W Q4.4 x Q3.5 -> full width Q15.9', p: { ...npuDefaults, classes: 16, features: 32, lanes: 16, wInt: 4, wFrac: 4, outInt: 15, outFrac: 9 }, cycles: 1 * 47 - 1, last: 46 },
  { name: 'k=5 k_fe=8 L=8, W Q2.6 x Q2.2 -> Q3.10', p: { ...npuDefaults, classes: 5, features: 8, lanes: 8, xInt: 2, xFrac: 2, outInt: 3, outFrac: 10 }, cycles: 1 * 15 - 1, last: 11 },
  // Degenerate corners of the schedule: one lane (no skew), one feature, done in cycle 1.
  { name: 'k=3 k_fe=2 L=1', p: { ...npuDefaults, classes: 3, features: 2, lanes: 1 }, cycles: 3 * 2 - 1, last: 5 },
  { name: 'k=1 k_fe=1 L=2', p: { ...npuDefaults, classes: 1, features: 1, lanes: 2 }, cycles: 1 * 2 - 1, last: 0 },
  // The register-file input buffer (HaShiFlex's form), written here through xWrite.
  { name: 'k=10 k_fe=16 L=4, parallel-load buffer', p: { ...npuDefaults, classes: 10, features: 16, lanes: 4, parallelLoad: true }, cycles: 3 * 19 - 1, last: 54 },
];

function randomProblem(rng: Prng, p: NpuParams) {
  const weights = Array.from({ length: p.classes }, () => randomRaw(rng, npuWeightFormat(p), p.features));
  const features = randomRaw(rng, npuFeatureFormat(p), p.features);
  return { weights, features };
}

/** Run one classification and check every score, the order and the timing of the results. */
function classifyAndCheck(sim: NpuSim, p: NpuParams, weights: bigint[][], features: bigint[]) {
  const run = runOnce(sim);
  const golden = npuGolden(p, weights, features);
  expect(run.results.map((r) => r.index)).toEqual([...Array(p.classes).keys()]);
  expect(run.results.map((r) => r.score)).toEqual(golden.scores);
  return run;
}

describe.each(shapes)('Npu $name', ({ p, cycles, last }) => {
  let sim: NpuSim | undefined;
  const open = async (): Promise<NpuSim> => {
    if (!sim) {
      sim = await simulate(Npu, p);
      idle(sim);
      sim.reset();
    }
    return sim;
  };
  afterAll(() => sim?.close());

  it('measures SCALE-Sim\'s output-stationary cycle count from start to done', async () => {
    const s = await open();
    const rng = new Prng(1000 + p.classes);
    const { weights, features } = randomProblem(rng, p);
    writeWeights(s, weights);
    writeFeatures(s, features);
    const run = classifyAndCheck(s, p, weights, features);
    const shape = { classes: p.classes, features: p.features, lanes: p.lanes };
    expect(run.doneCycle).toBe(cycles);
    expect(run.doneCycle).toBe(npuCycles(shape));
    expect(run.busyCycles).toBe(npuCycles(shape) + 1); // cycles 0 .. done
    expect(run.results.at(-1)!.cycle).toBe(last);
    expect(run.results.at(-1)!.cycle).toBe(npuLastResultCycle(shape));
    // Class o = f*L + i leaves lane i when it takes the last feature: fold cycle k_fe - 1 + i.
    const foldCycles = p.features + p.lanes - 1;
    expect(run.results.map((r) => r.cycle)).toEqual(
      run.results.map((r) => Math.floor(r.index / p.lanes) * foldCycles + p.features - 1 + (r.index % p.lanes)),
    );
  });

  it('matches the golden model bit for bit on random weights and features', async () => {
    const s = await open();
    const rng = new Prng(7 + p.lanes);
    for (let trial = 0; trial < 4; trial++) {
      const { weights, features } = randomProblem(rng, p);
      writeWeights(s, weights);
      writeFeatures(s, features);
      classifyAndCheck(s, p, weights, features);
    }
  });

  it('saturates at the corners and matches the golden model there', async () => {
    const s = await open();
    const wf = npuWeightFormat(p);
    const xf = npuFeatureFormat(p);
    const wCorners = [rawMin(wf), rawMax(wf), 0n, -1n];
    const xCorners = [rawMin(xf), rawMax(xf)];
    for (const x of xCorners) {
      // Row o uses one corner weight everywhere: min*min is the largest sum, min*max the smallest.
      const weights = Array.from({ length: p.classes }, (_, o) => Array<bigint>(p.features).fill(wCorners[o % wCorners.length]!));
      const features = Array<bigint>(p.features).fill(x);
      writeWeights(s, weights);
      writeFeatures(s, features);
      classifyAndCheck(s, p, weights, features);
    }
  });
});

describe('Npu start handshake', () => {
  it('ignores start while busy; start held high runs classifications back to back', async () => {
    const p = shapes[1]!.p;
    const n = shapes[1]!.cycles;
    const sim = await simulate(Npu, p);
    try {
      idle(sim);
      sim.reset();
      const { weights, features } = randomProblem(new Prng(5), p);
      writeWeights(sim, weights);
      writeFeatures(sim, features);
      const golden = npuGolden(p, weights, features).scores;
      sim.io.start.poke(1);
      const done: number[] = [];
      const scores: bigint[] = [];
      for (let c = 0; c < 2 * (n + 1) + 3; c++) {
        if (sim.io.done.peek() === 1) done.push(c);
        if (sim.io.result.valid.peek() === 1) scores.push(BigInt(sim.io.result.bits.score.peek()));
        expect(sim.io.busy.peek()).toBe(1);
        sim.step();
      }
      expect(done).toEqual([n, 2 * n + 1]); // the second run starts in the cycle after the first's done
      expect(scores.slice(0, 2 * p.classes)).toEqual([...golden, ...golden]);
    } finally {
      sim.close();
    }
  });
});

describe('Npu weight rewrite at run time', () => {
  it('new weights written through the port give the new golden scores in the same simulator', async () => {
    const p = shapes[0]!.p;
    const sim = await simulate(Npu, p);
    try {
      idle(sim);
      sim.reset();
      const rng = new Prng(99);
      const first = randomProblem(rng, p);
      writeWeights(sim, first.weights);
      writeFeatures(sim, first.features);
      const before = classifyAndCheck(sim, p, first.weights, first.features);

      // A whole new weight matrix, same features: new scores, immediately after the last run.
      const second = randomProblem(rng, p).weights;
      writeWeights(sim, second);
      const after = classifyAndCheck(sim, p, second, first.features);
      expect(after.results.map((r) => r.score)).not.toEqual(before.results.map((r) => r.score));

      // Rewrite a few words only (one per lane bank, across folds): only those classes change.
      const patched = second.map((row) => [...row]);
      const cells: [number, number][] = [[0, 0], [5, 3], [9, 15], [3, 7]];
      for (const [o, j] of cells) patched[o]![j] = patched[o]![j]! === 0n ? 5n : -patched[o]![j]! >> 1n;
      writeWeights(sim, patched, cells);
      const third = classifyAndCheck(sim, p, patched, first.features);
      const changed = third.results.filter((r, i) => r.score !== after.results[i]!.score).map((r) => r.index);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((o) => cells.some(([c]) => c === o))).toBe(true);

      // Back-to-back starts: a start in the cycle after done begins the next classification.
      const again = classifyAndCheck(sim, p, patched, first.features);
      expect(again.doneCycle).toBe(npuCycles({ classes: p.classes, features: p.features, lanes: p.lanes }));
    } finally {
      sim.close();
    }
  });
});

describe('Npu parallel feature load', () => {
  it('xLoad replaces all k_fe features in one cycle; xWrite still patches one', async () => {
    const p: NpuParams = { ...npuDefaults, classes: 6, features: 12, lanes: 3, parallelLoad: true };
    const sim = await simulate(Npu, p);
    try {
      const xLoad = sim.io.xLoad;
      if (!xLoad) throw new Error('parallelLoad: the NPU has an xLoad port');
      idle(sim);
      xLoad.valid.poke(0);
      sim.reset();
      const rng = new Prng(31);
      const { weights } = randomProblem(rng, p);
      writeWeights(sim, weights);
      for (let round = 0; round < 3; round++) {
        const features = randomRaw(rng, npuFeatureFormat(p), p.features);
        xLoad.valid.poke(1);
        features.forEach((x, j) => xLoad.bits[j]!.poke(x));
        sim.step();
        xLoad.valid.poke(0);
        classifyAndCheck(sim, p, weights, features);
        // One word through xWrite on top of the loaded vector changes only that feature.
        const addr = 3 + round;
        const patched = [...features];
        patched[addr] = features[addr] === 0n ? 5n : -features[addr]! >> 1n;
        sim.io.xWrite.valid.poke(1);
        sim.io.xWrite.bits.addr.poke(addr);
        sim.io.xWrite.bits.data.poke(patched[addr]!);
        sim.step();
        sim.io.xWrite.valid.poke(0);
        classifyAndCheck(sim, p, weights, patched);
      }
    } finally {
      sim.close();
    }
  });
});
