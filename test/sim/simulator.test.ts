import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpectError, SimError, loadSimulator, type Simulator } from '../../sim/index.ts';
import { accumulator, adder, counter, fixture } from './helpers.ts';

describe('interactive simulation of an accumulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator(accumulator);
  });
  afterAll(() => sim.close());

  it('reset clears the register and counts cycles', () => {
    const before = sim.cycle;
    sim.poke('en', 1);
    sim.poke('in', 9);
    sim.step();
    sim.reset(3);
    expect(sim.cycle).toBe(before + 4);
    expect(sim.peek('acc')).toBe(0);
    expect(sim.peek('reset')).toBe(0);
  });

  it('step samples poked inputs on the rising edge', () => {
    sim.reset();
    sim.poke('en', 1);
    for (let i = 1; i <= 10; i++) {
      sim.poke('in', i);
      sim.step();
      expect(sim.peek('acc')).toBe((i * (i + 1)) / 2);
    }
  });

  it('step(n) runs n cycles with held inputs', () => {
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 7);
    sim.step(6);
    expect(sim.peek('acc')).toBe(42);
  });

  it('peek after poke sees combinational logic without a clock edge', () => {
    sim.reset();
    sim.poke('en', 0);
    sim.poke('in', 1234);
    expect(sim.peek('sum_next')).toBe(1234);
    sim.poke('in', 5);
    expect(sim.peek('sum_next')).toBe(5);
    expect(sim.peek('acc')).toBe(0);
  });

  it('32-bit values wrap like hardware and read back unsigned', () => {
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 0xffff_ffff);
    sim.step(2);
    expect(sim.peek('acc')).toBe(0xffff_fffe);
  });

  it('expect passes on a match and accepts bigint for a number port', () => {
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 3);
    sim.step();
    sim.expect('acc', 3);
    sim.expect('acc', 3n);
  });

  it('a failing expect names the cycle, port, expected and actual values', () => {
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 5);
    sim.step();
    const cycle = sim.cycle;
    let error: unknown;
    try {
      sim.expect('acc', 6);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpectError);
    const message = (error as Error).message;
    expect(message).toContain(`cycle ${cycle}`);
    expect(message).toContain("'acc'");
    expect(message).toContain('expected 6');
    expect(message).toContain('got 5');
    expect((error as ExpectError).actual).toBe(5);
  });

  it('port handles resolve a name once and drive the same model', () => {
    const inPort = sim.port('in');
    const acc = sim.port('acc');
    sim.reset();
    sim.poke('en', 1);
    inPort.poke(11);
    sim.step();
    expect(acc.peek()).toBe(11);
    acc.expect(11);
    expect(() => acc.expect(12)).toThrow(ExpectError);
    expect(inPort.info.width).toBe(32);
  });
});

describe('asynchronous reset', () => {
  it('reset() drives an asyncReset port and the counter wraps at its limit', async () => {
    const sim = await loadSimulator(counter);
    try {
      sim.poke('limit', 3);
      sim.step(2);
      expect(sim.peek('count')).toBe(2);
      sim.poke('rst', 1);
      expect(sim.peek('count')).toBe(0); // asynchronous: no clock edge needed
      sim.poke('rst', 0);
      const seen = [];
      for (let i = 0; i < 8; i++) {
        sim.step();
        seen.push(sim.peek('count'));
      }
      expect(seen).toEqual([1, 2, 3, 0, 1, 2, 3, 0]);
      sim.step(2);
      sim.reset(1);
      expect(sim.peek('count')).toBe(0);
    } finally {
      sim.close();
    }
  });
});

describe('close', () => {
  it('frees the model; later calls throw instead of crashing', async () => {
    const sim = await loadSimulator(accumulator);
    sim.close();
    sim.close(); // idempotent
    expect(() => sim.peek('acc')).toThrow(SimError);
    expect(() => sim.poke('in', 1)).toThrow(/closed/);
    expect(() => sim.step()).toThrow(/closed/);
    expect(() => sim.runVectors({ cycles: 1 })).toThrow(/closed/);
  });
});

describe('a purely combinational design', () => {
  it('is driven by poke/peek alone, escaped port names included; clocked calls explain what is missing', async () => {
    const sim = await loadSimulator(adder);
    try {
      for (const [a, b] of [
        [0, 0],
        [255, 255],
        [100, 28],
      ] as const) {
        sim.poke('a', a);
        sim.poke('b__in', b);
        sim.expect('sum', a + b);
        sim.expect('operator', a ^ b);
      }
      expect(() => sim.step()).toThrow(/Adder has no clock port/);
      expect(() => sim.reset()).toThrow(/Adder has no reset port/);
      expect(() => sim.runVectors({ cycles: 1 })).toThrow(/no clock port/);
    } finally {
      sim.close();
    }
  });
});

describe('the native call paths', () => {
  // step() and a peek after pokes call one shared native function per process (V8's
  // callback API when the headers match the running V8, else N-API); both paths
  // must behave alike, errors included.
  const run = async (napiOnly: boolean) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture('hot-paths-child.ts')], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      env: { ...process.env, HASHI_SIM_NAPI_ONLY: napiOnly ? '1' : '0' },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { stepper: string; last: number; sum: number; comb: number; errors: string[]; ticks: unknown };
  };

  it('V8 and N-API paths give the same cycles, values and errors', async () => {
    const [v8, napi] = await Promise.all([run(false), run(true)]);
    expect([v8.stepper, napi.stepper]).toEqual(['v8', 'stepper']);
    expect(v8.last).toBe(3 * (50 * 51) / 2);
    expect(v8.sum).toBe(Array.from({ length: 50 }, (_, i) => (3 * (i + 1) * (i + 2)) / 2).reduce((x, y) => x + y, 0));
    expect(v8.comb).toBe((50 * 51) / 2 + 7);
    expect(v8.errors).toHaveLength(2);
    expect(v8.errors[0]).toMatch(/Stopper\.sv:\d+: Verilog \$stop/);
    expect(v8.errors[1]).toMatch(/stopped after a fatal error/);
    expect(v8.ticks).toMatch(/stopped after a fatal error/);
    expect({ ...napi, stepper: 'v8' }).toEqual(v8);
  });
});
