// The counter from designs/, simulated in Verilator: enable, hold, reset, wrap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counter } from '../../designs/counter.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

describe('Counter (width 4) in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Counter, { width: 4 });
  });
  afterAll(() => sim.close());

  it('comes out of reset at zero', () => {
    sim.poke('enable', 0);
    sim.reset(2);
    expect(sim.peek('count')).toBe(0);
  });

  it('counts one per cycle while enabled', () => {
    sim.reset(1);
    sim.poke('enable', 1);
    for (let i = 1; i <= 5; i++) {
      sim.step();
      expect(sim.peek('count')).toBe(i);
    }
  });

  it('holds its value while disabled', () => {
    sim.reset(1);
    sim.poke('enable', 1);
    sim.step(3);
    sim.poke('enable', 0);
    sim.step(7);
    expect(sim.peek('count')).toBe(3);
  });

  it('wraps from 15 to 0', () => {
    sim.reset(1);
    sim.poke('enable', 1);
    sim.step(15);
    expect(sim.peek('count')).toBe(15);
    sim.step();
    expect(sim.peek('count')).toBe(0);
    sim.step();
    expect(sim.peek('count')).toBe(1);
  });

  it('agrees with a software model over a random enable pattern', () => {
    sim.reset(1);
    let model = 0;
    let seed = 12345;
    for (let cycle = 0; cycle < 200; cycle++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const enable = (seed >>> 16) & 1;
      sim.poke('enable', enable);
      sim.step();
      model = (model + enable) % 16;
      expect(sim.peek('count'), `cycle ${cycle}`).toBe(model);
    }
  });

  it('resets synchronously in the middle of counting', () => {
    sim.reset(1);
    sim.poke('enable', 1);
    sim.step(9);
    sim.reset(1);
    expect(sim.peek('count')).toBe(0);
  });
});
