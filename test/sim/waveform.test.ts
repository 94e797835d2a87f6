import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpectError, loadSimulator } from '../../sim/index.ts';
import { accumulator } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hashi-sim-waves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('waveforms', () => {
  it('VCD on request records the ports cycle by cycle', async () => {
    const file = path.join(dir, 'acc.vcd');
    const sim = await loadSimulator({ ...accumulator, waveform: 'vcd', waveformPath: file });
    expect(sim.waveformPath).toBe(file);
    sim.reset();
    sim.poke('en', 1);
    sim.poke('in', 0xabc);
    sim.step(3);
    sim.close();
    const vcd = readFileSync(file, 'utf8');
    expect(vcd).toMatch(/\$var wire\s+32 \S+ acc \[31:0\] \$end/);
    expect(vcd).toContain('b00000000000000000001010101111000'); // 2 * 0xabc
    expect(vcd).toMatch(/^#8$/m); // 4 cycles = 8 half-cycle time steps
  });

  it('single steps (the interactive hot path) record every cycle too', async () => {
    const file = path.join(dir, 'single.vcd');
    const sim = await loadSimulator({ ...accumulator, waveform: 'vcd', waveformPath: file });
    sim.reset();
    sim.poke('en', 1);
    const sums: number[] = [];
    for (let i = 1; i <= 5; i++) {
      sim.poke('in', 0x100 * i);
      sim.step();
      sums.push(sim.peek('acc') as number);
    }
    sim.close();
    const vcd = readFileSync(file, 'utf8');
    for (let t = 1; t <= 12; t++) expect(vcd).toMatch(new RegExp(`^#${t}$`, 'm')); // 6 cycles, 2 time steps each
    for (const sum of sums) expect(vcd).toContain(`b${sum.toString(2).padStart(32, '0')}`);
  });

  it('FST is the default format, and the path is reported', async () => {
    const sim = await loadSimulator({ ...accumulator, waveform: true });
    expect(sim.waveformPath).toMatch(/\.fst$/);
    sim.reset();
    sim.step(10);
    sim.close();
    expect(existsSync(sim.waveformPath!)).toBe(true);
    expect(statSync(sim.waveformPath!).size).toBeGreaterThan(100);
    rmSync(sim.waveformPath!);
  });

  it('a failing expect points at the waveform, flushed up to that cycle', async () => {
    const file = path.join(dir, 'fail.vcd');
    const sim = await loadSimulator({ ...accumulator, waveform: 'vcd', waveformPath: file });
    try {
      sim.reset();
      sim.poke('en', 1);
      sim.poke('in', 3);
      sim.step(5);
      let error: unknown;
      try {
        sim.expect('acc', 16);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExpectError);
      expect((error as Error).message).toContain(`waveform: ${file}`);
      expect((error as Error).message).toMatch(/cycle 6: port 'acc' expected 16 \(0x10\), got 15 \(0xf\)/);
      expect(readFileSync(file, 'utf8')).toMatch(/^#12$/m);
    } finally {
      sim.close();
    }
  });
});
