// Simulates the design in Verilator (the model is compiled once, then cached).
import { simulate } from 'hashi/sim';
import { describe, expect, it } from 'vitest';
import { Blinky } from '../src/blinky.ts';

describe('Blinky', () => {
  it('toggles the LED every `period` enabled cycles', async () => {
    const sim = await simulate(Blinky, { period: 3 });
    try {
      sim.reset();
      sim.io.enable.poke(1);
      const seen: number[] = [];
      for (let cycle = 0; cycle < 9; cycle++) {
        seen.push(Number(sim.io.led.peek()));
        sim.step(1);
      }
      expect(seen).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
      sim.io.led.expect(1); // toggled on the ninth cycle
      sim.io.enable.poke(0);
      sim.step(5);
      sim.io.led.expect(1); // disabled: held
      sim.reset();
      sim.io.led.expect(0);
    } finally {
      sim.close();
    }
  });
});
