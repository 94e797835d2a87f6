import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';

// The toolchain is probed once per process, so each case runs in a child.
const work = mkdtempSync(path.join(os.tmpdir(), 'hashi-sim-toolchain-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function buildInChild(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', fixture('build-child.ts'), fixture('Accumulator.sv')], {
    cwd: path.join(import.meta.dirname, '..', '..'),
    env: { ...process.env, HASHI_SIM_CACHE: mkdtempSync(path.join(work, 'cache-')), ...env },
    encoding: 'utf8',
  });
}

describe('toolchain selection', () => {
  it('HASHI_VERILATOR picks the Verilator binary', () => {
    const log = path.join(work, 'calls.log');
    const wrapper = path.join(work, 'verilator-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec verilator "$@"\n`);
    chmodSync(wrapper, 0o755);
    const result = buildInChild({ HASHI_VERILATOR: wrapper });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!).acc).toBe(42);
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/--prefix VAccumulator_\w+ --top-module Accumulator/);
  });

  it('a missing Verilator is a clear error, not a crash', () => {
    const result = buildInChild({ HASHI_VERILATOR: path.join(work, 'no-such-verilator') });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/cannot run Verilator \(set HASHI_VERILATOR to override\)/);
    expect(result.signal).toBeNull();
  });
});
