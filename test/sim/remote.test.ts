import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpectError, SimError, loadSimulator, type Simulator } from '../../sim/index.ts';
import { accumulator, signedWide, stopper } from './helpers.ts';

describe('out-of-process mode', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator({ ...accumulator, outOfProcess: true });
  });
  afterAll(() => sim.close());

  it('runs the same API against a model in a child process', () => {
    sim.reset(2);
    sim.poke('en', 1);
    for (let i = 1; i <= 20; i++) {
      sim.poke('in', i);
      sim.step();
      sim.expect('acc', (i * (i + 1)) / 2);
    }
    sim.poke('in', 1000);
    expect(sim.peek('sum_next')).toBe(1210); // combinational, via an eval round trip
    expect(() => sim.expect('acc', 1)).toThrow(ExpectError);
  });

  it('batched vectors match the in-process model', async () => {
    const local = await loadSimulator(accumulator);
    try {
      const ins = Uint32Array.from({ length: 500 }, (_, i) => (i * 2654435761) >>> 0);
      const ens = Uint32Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? 0 : 1));
      sim.reset();
      local.reset();
      const remote = sim.runVectors({ inputs: { in: ins, en: ens } });
      const here = local.runVectors({ inputs: { in: ins, en: ens } });
      expect(Array.from(remote.acc as Uint32Array)).toEqual(Array.from(here.acc as Uint32Array));
      expect(Array.from(remote.sum_next as Uint32Array)).toEqual(Array.from(here.sum_next as Uint32Array));
      expect(sim.peek('acc')).toBe(local.peek('acc'));
    } finally {
      local.close();
    }
  });

  it('signed and wide values cross the process boundary intact', async () => {
    const wide = await loadSimulator({ ...signedWide, outOfProcess: true });
    try {
      wide.poke('a', -5);
      wide.poke('d', -(2n ** 62n));
      wide.poke('c', (1n << 99n) + 1n);
      wide.step();
      expect(wide.peek('neg_a')).toBe(5);
      expect(wide.peek('d_neg_reg')).toBe(2n ** 62n);
      expect(wide.peek('c_inc')).toBe((1n << 99n) + 2n);
      const out = wide.runVectors({ inputs: { d: BigInt64Array.of(3n, -4n) }, outputs: ['d_neg_reg'] });
      expect(Array.from(out.d_neg_reg as BigInt64Array)).toEqual([-3n, 4n]);
    } finally {
      wide.close();
    }
  });

  it('records a waveform in the child and reports its path on a failed expect', async () => {
    const file = path.join(os.tmpdir(), `hashi-sim-remote-${process.pid}.vcd`);
    const traced = await loadSimulator({ ...accumulator, outOfProcess: true, waveform: 'vcd', waveformPath: file });
    try {
      traced.reset();
      traced.poke('en', 1);
      traced.poke('in', 7);
      traced.step(2);
      expect(() => traced.expect('acc', 15)).toThrow(`waveform: ${file}`);
      traced.close();
      expect(readFileSync(file, 'utf8')).toContain('b00000000000000000000000000001110'); // 14
    } finally {
      traced.close();
      rmSync(file, { force: true });
    }
  });

  it('a fatal error in the child is an Error here', async () => {
    const stop = await loadSimulator({ ...stopper, outOfProcess: true });
    try {
      stop.poke('trip', 1);
      expect(() => stop.step()).toThrow(/Verilog \$stop/);
    } finally {
      stop.close();
    }
  });

  it('a child that dies is reported, and this process carries on', async () => {
    const victim = await loadSimulator({ ...accumulator, outOfProcess: true });
    victim.step();
    const pid = (victim as unknown as { native: { pid: number } }).native.pid;
    process.kill(pid, 'SIGKILL');
    expect(() => victim.step()).toThrow(/child process \(pid \d+\) is gone/);
    expect(() => victim.step()).toThrow(/is gone/);
    victim.close();
    expect(() => victim.step()).toThrow(SimError);
  });
});
