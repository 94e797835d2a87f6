import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSimulator, type Simulator } from '../../sim/index.ts';
import { accumulator, counter } from './helpers.ts';

describe('several models in one process', () => {
  let acc: Simulator;
  let cnt: Simulator;
  beforeAll(async () => {
    [acc, cnt] = await Promise.all([loadSimulator(accumulator), loadSimulator(counter)]);
  });
  afterAll(() => {
    acc.close();
    cnt.close();
  });

  it('two different designs step independently when interleaved', () => {
    acc.reset();
    cnt.reset();
    acc.poke('en', 1);
    acc.poke('in', 10);
    cnt.poke('limit', 200);
    for (let i = 1; i <= 50; i++) {
      acc.step();
      cnt.step(2);
      expect(acc.peek('acc')).toBe(10 * i);
      expect(cnt.peek('count')).toBe(2 * i);
    }
  });

  it('two instances of the same design keep separate state', async () => {
    const other = await loadSimulator(accumulator);
    try {
      expect(other.buildInfo.addonPath).toBe(acc.buildInfo.addonPath);
      acc.reset();
      other.reset();
      acc.poke('en', 1);
      other.poke('en', 1);
      acc.poke('in', 1);
      other.poke('in', 100);
      acc.step(3);
      other.step(2);
      expect(acc.peek('acc')).toBe(3);
      expect(other.peek('acc')).toBe(200);
    } finally {
      other.close();
    }
  });

  it('two instances of the same design stepped one cycle at a time, interleaved, keep separate ports', async () => {
    const other = await loadSimulator(accumulator);
    try {
      acc.reset();
      other.reset();
      acc.poke('en', 1);
      other.poke('en', 1);
      const [accIn, otherIn] = [acc.port('in'), other.port('in')];
      const [accOut, otherOut] = [acc.port('acc'), other.port('acc')];
      for (let i = 1; i <= 100; i++) {
        accIn.poke(i);
        otherIn.poke(1000 * i);
        acc.step();
        other.step();
        expect(accOut.peek()).toBe((i * (i + 1)) / 2);
        expect(otherOut.peek()).toBe((1000 * i * (i + 1)) / 2);
        expect(acc.peek('in')).toBe(i);
      }
    } finally {
      other.close();
    }
  });

  it('addons export only their N-API entry point, so models cannot collide', () => {
    const symbols = execFileSync('nm', ['-D', '--defined-only', acc.buildInfo.addonPath], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[2])
      .filter((name): name is string => !!name);
    expect(symbols).toContain('napi_register_module_v1');
    expect(symbols.filter((s) => /verilated|Verilated|Accumulator/i.test(s))).toEqual([]);
  });
});
