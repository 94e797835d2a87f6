import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimError, loadSimulator, type Simulator } from '../../sim/index.ts';
import { accumulator } from './helpers.ts';

// Deterministic pseudo-random stimulus (xorshift32).
function stimulus(n: number, seed: number): { ins: Uint32Array; ens: Uint32Array } {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const ins = new Uint32Array(n);
  const ens = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    ins[i] = next();
    ens[i] = next() & 1;
  }
  return { ins, ens };
}

describe('batched vectors', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator(accumulator);
  });
  afterAll(() => sim.close());

  it('match poke/step/peek cycle by cycle on the same design', () => {
    const n = 2000;
    const { ins, ens } = stimulus(n, 12345);
    sim.reset();
    const accs: number[] = [];
    const sums: number[] = [];
    for (let i = 0; i < n; i++) {
      sim.poke('in', ins[i]!);
      sim.poke('en', ens[i]!);
      sim.step();
      accs.push(sim.peek('acc') as number);
      sums.push(sim.peek('sum_next') as number);
    }
    sim.reset();
    const before = sim.cycle;
    const out = sim.runVectors({ inputs: { in: ins, en: ens } });
    expect(sim.cycle).toBe(before + n);
    expect(out.acc).toBeInstanceOf(Uint32Array);
    expect(Array.from(out.acc as Uint32Array)).toEqual(accs);
    expect(Array.from(out.sum_next as Uint32Array)).toEqual(sums);
    // And against an independent golden model, so both paths cannot be wrong together.
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (ens[i]) acc = (acc + ins[i]!) >>> 0;
      expect(out.acc![i]).toBe(acc);
    }
  });

  it('leave the model where interactive calls continue from', () => {
    sim.reset();
    sim.runVectors({ inputs: { in: [1, 2, 3], en: [1, 1, 1] } });
    expect(sim.peek('acc')).toBe(6);
    expect(sim.peek('in')).toBe(3);
    sim.poke('in', 4);
    sim.step();
    expect(sim.peek('acc')).toBe(10);
  });

  it('inputs without a lane keep their poked value; outputs can be chosen', () => {
    sim.reset();
    sim.poke('en', 1);
    const out = sim.runVectors({ inputs: { in: Uint32Array.of(5, 5, 5, 5) }, outputs: ['acc'] });
    expect(Object.keys(out)).toEqual(['acc']);
    expect(Array.from(out.acc as Uint32Array)).toEqual([5, 10, 15, 20]);
  });

  it('cycles alone runs the clock with held inputs', () => {
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 2);
    const out = sim.runVectors({ cycles: 3, outputs: ['acc'] });
    expect(Array.from(out.acc as Uint32Array)).toEqual([2, 4, 6]);
  });

  it('reject an out-of-range lane value with its cycle and port, before simulating', () => {
    sim.reset();
    expect(() => sim.runVectors({ inputs: { en: Uint32Array.of(1, 1, 2) } })).toThrow(/'en' at cycle 2.*1 bits/);
    expect(() => sim.runVectors({ inputs: { in: [1, -1] } })).toThrow(/'in' at cycle 1/);
    expect(sim.peek('acc')).toBe(0);
  });

  it('reject the wrong lane type, short lanes, outputs as inputs and unknown ports', () => {
    expect(() => sim.runVectors({ inputs: { in: new Float64Array(3) as unknown as Uint32Array } })).toThrow(/Uint32Array/);
    expect(() => sim.runVectors({ inputs: { in: new Uint32Array(3) }, cycles: 4 })).toThrow(/3 cycles/);
    expect(() => sim.runVectors({ inputs: { acc: [1] } })).toThrow(SimError);
    expect(() => sim.runVectors({ inputs: { in: [1] }, outputs: ['in'] })).toThrow(/is an input/);
    expect(() => sim.runVectors({ inputs: { nope: [1] } })).toThrow(/unknown port 'nope'.*clock, reset, in, en, acc, sum_next/);
  });
});
