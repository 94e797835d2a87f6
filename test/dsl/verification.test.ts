// Verification statements, simulated: a failing assert stops the simulation
// with its message; printf output appears; stop ends the run.
import { describe, expect, it } from 'vitest';
import { Bool, IO, Input, Output, RegInit, UInt, assert, assume, defineModule, printf, stop, when } from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';

const Checked = defineModule({
  name: 'Checked',
  body: () => {
    const io = IO({ x: Input(UInt(8)), done: Input(Bool()), y: Output(UInt(8)) });
    assert(io.x.lt(200), 'x too big: %d', io.x);
    assume(io.x.neq(123), 'the environment never sends 123');
    const ticks = RegInit(UInt(8), 0).named('ticks');
    ticks.connect(ticks.addWrap(1));
    when(io.x.eq(42), () => printf('saw 42 at tick %d\n', ticks));
    when(io.done, () => stop(0));
    io.y.connect(io.x);
    return io;
  },
});

describe('verification statements in Verilator', () => {
  it('fails the simulation with the assert message when the condition is false', async () => {
    const sim = await simulate(Checked);
    try {
      sim.reset(1);
      sim.poke('x', 100);
      sim.step(3);
      sim.poke('x', 250);
      expect(() => sim.step()).toThrow(/x too big: *250/);
    } finally {
      sim.close();
    }
  });

  it('checks assumptions in simulation like assertions', async () => {
    const sim = await simulate(Checked);
    try {
      sim.reset(1);
      sim.poke('x', 122);
      sim.step();
      sim.poke('x', 123);
      expect(() => sim.step()).toThrow(/the environment never sends 123/);
    } finally {
      sim.close();
    }
  });

  it('does not fire the assert while reset is asserted', async () => {
    const sim = await simulate(Checked);
    try {
      sim.poke('x', 250);
      expect(() => sim.reset(2)).not.toThrow();
    } finally {
      sim.close();
    }
  });

  it('ends the simulation on stop', async () => {
    const sim = await simulate(Checked);
    try {
      sim.reset(1);
      sim.poke('x', 1);
      sim.step(2);
      expect(sim.finished).toBe(false);
      sim.poke('done', 1);
      sim.step();
      expect(sim.finished).toBe(true);
    } finally {
      sim.close();
    }
  });
});
