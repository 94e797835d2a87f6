import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimBuildError, SimError, loadSimulator, type Simulator } from '../../sim/index.ts';
import { accumulator, fixture, signedWide, stopper } from './helpers.ts';

describe('bad input is a clear Error, never a crash', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator(accumulator);
  });
  afterAll(() => sim.close());

  it('poking a value too wide for the port', () => {
    expect(() => sim.poke('en', 2)).toThrow(/2 does not fit port 'en' \(1-bit unsigned range \[0, 1\]\)/);
    expect(() => sim.poke('in', 2 ** 32)).toThrow(SimError);
    expect(() => sim.poke('in', -1)).toThrow(/does not fit/);
    expect(() => sim.poke('in', 1.5)).toThrow(/does not fit/);
    expect(() => sim.poke('in', 1n << 40n)).toThrow(/does not fit/);
  });

  it('poking an output or the clock', () => {
    expect(() => sim.poke('acc', 1)).toThrow(/'acc' is an output/);
    expect(() => sim.poke('clock', 1)).toThrow(/'clock' is the clock; use step/);
  });

  it('an unknown port name lists the real ones', () => {
    expect(() => sim.peek('accc')).toThrow("unknown port 'accc' on Accumulator; ports: clock, reset, in, en, acc, sum_next");
    expect(() => sim.port('x')).toThrow(/unknown port 'x'/);
    // Names that exist on Object.prototype are not ports either.
    expect(() => sim.peek('toString')).toThrow(/unknown port 'toString'/);
    expect(() => sim.poke('__proto__', 1)).toThrow(/unknown port '__proto__'/);
    expect(() => sim.expect('constructor', 1)).toThrow(/unknown port 'constructor'/);
  });

  it('bad step counts', () => {
    expect(() => sim.step(-1)).toThrow(/non-negative integer/);
    expect(() => sim.step(1.5)).toThrow(/non-negative integer/);
  });
});

describe('a closed simulator', () => {
  it('refuses every call, through names and handles alike', async () => {
    const sim = await loadSimulator(accumulator);
    const input = sim.port('in');
    const acc = sim.port('acc');
    sim.reset();
    sim.poke('en', 1);
    input.poke(4);
    sim.step();
    expect(acc.peek()).toBe(4);
    sim.close();
    sim.close(); // twice is fine
    for (const call of [
      () => sim.poke('in', 1),
      () => sim.peek('acc'),
      () => sim.step(),
      () => sim.step(3),
      () => sim.reset(),
      () => input.poke(1),
      () => acc.peek(),
      () => acc.expect(4),
      () => sim.runVectors({ cycles: 1 }),
    ]) {
      expect(call).toThrow(/closed/);
    }
  });
});

describe('signed range checks', () => {
  it('reject values outside the signed range', async () => {
    const sim = await loadSimulator(signedWide);
    try {
      expect(() => sim.poke('a', 128)).toThrow(/8-bit signed range \[-128, 127\]/);
      expect(() => sim.poke('a', -129)).toThrow(SimError);
      expect(() => sim.poke('d', 1n << 63n)).toThrow(/64-bit signed/);
      expect(() => sim.poke('c', 1n << 100n)).toThrow(/100-bit unsigned/);
      expect(() => sim.poke('c', -1n)).toThrow(SimError);
      expect(() => sim.poke('b', 2 ** 60)).toThrow(SimError);
    } finally {
      sim.close();
    }
  });
});

describe('build failures', () => {
  it('a Verilator error shows the first diagnostic and the SV file', async () => {
    const error = await loadSimulator({
      top: 'Broken',
      svFiles: [fixture('Broken.sv')],
      ports: [
        { name: 'clock', direction: 'input', width: 1, signed: false, kind: 'clock' },
        { name: 'q', direction: 'output', width: 4, signed: false, kind: 'data' },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimBuildError);
    const message = (error as Error).message;
    expect(message).toContain('Broken.sv');
    expect(message).toMatch(/%Error: .*Broken\.sv:3/);
    expect((error as SimBuildError).log).toContain('%Error');
  });

  it('no SV files at all', async () => {
    await expect(loadSimulator({ ...accumulator, svFiles: [] })).rejects.toThrow(/no SystemVerilog files given for Accumulator/);
  });

  it('a missing SV file', async () => {
    await expect(loadSimulator({ ...accumulator, svFiles: [fixture('Missing.sv')] })).rejects.toThrow(/cannot read SystemVerilog file .*Missing\.sv/);
  });

  it('a port list that does not match the design', async () => {
    const ports = accumulator.ports.map((p) => (p.name === 'acc' ? { ...p, width: 16 } : p));
    await expect(loadSimulator({ ...accumulator, ports })).rejects.toThrow(/port 'acc' is output \[32\] in the design, output \[16\] in the port list/);
    const extra = [...accumulator.ports, { name: 'ghost', direction: 'input' as const, width: 1, signed: false, kind: 'data' as const }];
    await expect(loadSimulator({ ...accumulator, ports: extra })).rejects.toThrow(/'ghost' is not in the design/);
  });

  it('duplicate or malformed port descriptions', async () => {
    await expect(loadSimulator({ ...accumulator, ports: [...accumulator.ports, accumulator.ports[2]!] })).rejects.toThrow(/listed twice/);
    await expect(
      loadSimulator({ ...accumulator, ports: accumulator.ports.map((p) => (p.name === 'reset' ? { ...p, width: 2 } : p)) }),
    ).rejects.toThrow(/reset port 'reset' must be 1 bit/);
  });
});

describe('simulation-time failures', () => {
  it('$stop becomes an Error and the simulator refuses further work', async () => {
    const sim = await loadSimulator(stopper);
    try {
      sim.step(3);
      expect(sim.peek('ticks')).toBe(3);
      sim.poke('trip', 1);
      expect(() => sim.step()).toThrow(/Stopper\.sv:\d+: Verilog \$stop/);
      expect(() => sim.step()).toThrow(/stopped after a fatal error/);
    } finally {
      sim.close();
    }
  });

  it('$finish is reported, not fatal, and only by the instance that ran it', async () => {
    const sim = await loadSimulator(stopper);
    const other = await loadSimulator(stopper); // constructed last: the thread's current context
    try {
      expect(sim.finished).toBe(false);
      sim.poke('done', 1);
      sim.step();
      expect(sim.finished).toBe(true);
      expect(other.finished).toBe(false);
      other.step();
      expect(other.peek('ticks')).toBe(1);
    } finally {
      sim.close();
      other.close();
    }
  });
});

describe('name lookups', () => {
  it('an unknown name is never served from the last-port cache', async () => {
    const sim = await loadSimulator(accumulator);
    try {
      sim.poke('in', 5);
      expect(() => sim.poke('inn', 6)).toThrow(/unknown port 'inn'/);
      expect(() => sim.poke('inn', 6)).toThrow(/unknown port 'inn'/);
      expect(sim.peek('in')).toBe(5);
      expect(() => sim.peek('acc2')).toThrow(/unknown port 'acc2'/);
      expect(() => sim.peek('acc2')).toThrow(/unknown port 'acc2'/);
      // Names built at run time (not interned) find the same ports.
      const name = ['i', 'n'].join('');
      sim.poke(name, 7);
      expect(sim.peek(name)).toBe(7);
      expect(sim.peek(`sum_${'next'}`)).toBe(7);
    } finally {
      sim.close();
    }
  });
});
