// The cyclic feature memory in Verilator: maps written at a base read back there
// (bases that wrap past S - 1 included), layers played by the row-liveness rule,
// and a ring one row too small stopped by the monitor.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/index.ts';
import type { DesignSimulator } from '../../../sim/index.ts';
import type { IOOf } from '../../../dsl/index.ts';
import { Prng } from '../../../lib/index.ts';
import { MsRing, msFirstLiveRow, msLayerMinRingWords, msMemoryPlan, msMinRingWords } from '../../../lib/engines/ms/index.ts';
import type { MsConvShape, MsLayerPlan } from '../../../lib/engines/ms/index.ts';

// Three small layers: same-shape 3x3 (ring = I + 2R), strided 3x3 that doubles
// channels, 1x1 that widens 2x (ring = O + R_in). 4- and 2-bit features.
const net: MsConvShape[] = [
  { cin: 3, cout: 3, hIn: 6, wIn: 6, k: 3, stride: 1, pad: 1, inBits: 4, outBits: 4, weightBits: 4 },
  { cin: 3, cout: 6, hIn: 6, wIn: 6, k: 3, stride: 2, pad: 1, inBits: 4, outBits: 2, weightBits: 4 },
  { cin: 6, cout: 12, hIn: 3, wIn: 3, k: 1, stride: 1, pad: 0, inBits: 2, outBits: 8, weightBits: 8 },
];

function randomWord(rng: Prng): bigint {
  return rng.bigint(0n, (1n << 64n) - 1n);
}

type RingSim = DesignSimulator<IOOf<typeof MsRing>>;

function write(sim: RingSim, base: number, offset: number, data: bigint): void {
  sim.io.write.valid.poke(1);
  sim.io.write.bits.at.base.poke(base);
  sim.io.write.bits.at.offset.poke(offset);
  sim.io.write.bits.data.poke(data);
  sim.step();
  sim.io.write.valid.poke(0);
}

function readMap(sim: RingSim, base: number, words: number): bigint[] {
  sim.io.fetch.valid.poke(1);
  sim.io.fetch.bits.base.poke(base);
  const out = Array.from({ length: words }, (_, j) => {
    sim.io.fetch.bits.offset.poke(j);
    sim.step(); // an SRAM: the word comes in the next cycle
    return BigInt(sim.io.readData.peek());
  });
  sim.io.fetch.valid.poke(0);
  return out;
}

/** Writes a layer's output row by row as the engine orders it, the monitor watching the live input rows. */
function playLayer(sim: RingSim, l: MsLayerPlan, rng: Prng): bigint[] {
  const out: bigint[] = [];
  sim.io.live.valid.poke(1);
  sim.io.live.bits.base.poke(l.inBase);
  sim.io.live.bits.to.poke(l.inWords);
  for (let r = 0; r < l.hOut; r++) {
    sim.io.live.bits.from.poke(msFirstLiveRow(r, l.shape.stride, l.shape.pad) * l.rowIn);
    for (let j = 0; j < l.rowOut; j++) {
      const word = randomWord(rng);
      out.push(word);
      write(sim, l.outBase, r * l.rowOut + j, word);
    }
  }
  sim.io.live.valid.poke(0);
  return out;
}

describe('the ring size from the row-liveness rule', () => {
  it('matches the notes\' worked example and rules of thumb', () => {
    const same = { cin: 8, cout: 8, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 4, outBits: 4, weightBits: 4 } as const;
    expect(msMinRingWords([same])).toBe(80); // I + 2R = 64 + 16; ping-pong 128
    expect(msMemoryPlan([same], { ringWords: 80 }).pingPongWords).toBe(128);
    // Stride 2, channels doubled: the notes' rule of thumb says I + R; the exact rule
    // gives I + R_out + R_in (with pad 1, output row 1 still reads input row 1).
    expect(msMinRingWords([{ ...same, cout: 16, stride: 2 }])).toBe(64 + 16 + 8);
    // 1x1 widening 4x: O + R_in.
    expect(msMinRingWords([{ ...same, cout: 32, k: 1, pad: 0 }])).toBe(256 + 8);
    // I = 18 words each; layer 1 peaks at r = 1: 18 + 2*6 - 1*3; layer 2 is O + R_in = 36 + 6.
    expect(net.map((s) => msLayerMinRingWords(s))).toEqual([18 + 6, 27, 42]);
    expect(msMinRingWords(net)).toBe(42);
  });

  it('refuses a ring below the minimum and a layer that does not follow its predecessor', () => {
    expect(() => msMemoryPlan(net, { ringWords: 41 })).toThrow(/layer 2 needs a ring of at least 42 words/);
    expect(() => msMemoryPlan([net[0]!, net[2]!], { ringWords: 64 })).toThrow(/layer 1: its input \(6 x 3 x 3, 2 bits\) is not layer 0's output \(3 x 6 x 6, 4 bits\)/);
  });
});

describe('MsRing in Verilator', () => {
  const S = msMinRingWords(net); // 42: not a power of two
  const sims: RingSim[] = [];
  const open = async (ringWords: number) => {
    const sim = await simulate(MsRing, { ringWords, wordBits: 64 });
    sims.push(sim);
    sim.io.write.valid.poke(0);
    sim.io.live.valid.poke(0);
    sim.reset();
    return sim;
  };
  afterAll(() => sims.forEach((s) => s.close()));

  it('reads every layer\'s output back at its base, with bases wrapping around the ring', async () => {
    const sim = await open(S);
    const rng = new Prng(15);
    // Start near the top so the first input already wraps; run the chain twice around.
    const plan = msMemoryPlan(net, { ringWords: S, firstBase: S - 7 });
    let wrapped = 0;
    const input = Array.from({ length: plan.layers[0]!.inWords }, () => randomWord(rng));
    input.forEach((w, j) => write(sim, plan.layers[0]!.inBase, j, w));
    expect(readMap(sim, plan.layers[0]!.inBase, input.length)).toEqual(input);
    for (const l of plan.layers) {
      if (l.outBase + l.outWords > S) wrapped++;
      const out = playLayer(sim, l, rng);
      expect(readMap(sim, l.outBase, l.outWords)).toEqual(out);
    }
    expect(wrapped).toBeGreaterThan(0);
  });

  it('fails the simulation when a ring one output row below the minimum overwrites a live input row', async () => {
    const binding = msMemoryPlan(net, { ringWords: S }).layers.find((l) => l.minRingWords === S)!;
    const small = S - binding.rowOut;
    const sim = await open(small);
    const plan = msMemoryPlan(net, { ringWords: small, unchecked: true });
    const rng = new Prng(16);
    let caught: unknown;
    try {
      for (const l of plan.layers) playLayer(sim, l, rng);
    } catch (e) {
      caught = e;
    }
    expect(String(caught)).toMatch(/ms ring monitor: write to live input word/);
  });
});
