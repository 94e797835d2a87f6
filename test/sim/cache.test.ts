import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSimulator } from '../../sim/index.ts';
import { accumulator, fixture } from './helpers.ts';

// Each test gets its own cache directory (ccache keeps the repeated runtime
// compile cheap); a nonce comment makes a design whose C++ ccache has not seen.
const work = mkdtempSync(path.join(os.tmpdir(), 'hashi-sim-cache-'));

function freshCache(): string {
  return mkdtempSync(path.join(work, 'cache-'));
}

function design(nonce: boolean): string {
  const file = path.join(work, `Accumulator-${randomBytes(6).toString('hex')}.sv`);
  const sv = readFileSync(fixture('Accumulator.sv'), 'utf8');
  writeFileSync(file, nonce ? `${sv}\n// nonce ${randomBytes(8).toString('hex')}\n` : sv);
  return file;
}

async function load(svFile: string, cacheDir: string, extra: object = {}) {
  return loadSimulator({ ...accumulator, svFiles: [svFile], cacheDir, ...extra });
}

function accAfterTwoSteps(sim: Awaited<ReturnType<typeof load>>): number {
  sim.reset();
  sim.poke('en', 1);
  sim.poke('in', 21);
  sim.step(2);
  return sim.peek('acc') as number;
}

const childScript = fixture('build-child.ts');

function runChild(svFile: string, cacheDir: string): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; pid: number } {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, svFile], {
    cwd: path.join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HASHI_SIM_CACHE: cacheDir },
    detached: true, // own process group, so a kill also stops its compilers
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { done, pid: child.pid! };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('build cache', () => {
  it('a new design is a miss, the same design again is a hit', async () => {
    const cache = freshCache();
    const file = design(false);
    const first = await load(file, cache);
    const second = await load(file, cache);
    expect(first.buildInfo.cached).toBe(false);
    expect(second.buildInfo.cached).toBe(true);
    expect(second.buildInfo.key).toBe(first.buildInfo.key);
    expect(accAfterTwoSteps(first)).toBe(42);
    expect(accAfterTwoSteps(second)).toBe(42);
    first.close();
    second.close();
  });

  it('editing the SystemVerilog invalidates the entry and the new logic runs', async () => {
    const cache = freshCache();
    const file = design(false);
    const before = await load(file, cache);
    writeFileSync(file, readFileSync(file, 'utf8').replace('r <= r + in', 'r <= r - in'));
    const after = await load(file, cache);
    expect(after.buildInfo.cached).toBe(false);
    expect(after.buildInfo.key).not.toBe(before.buildInfo.key);
    expect(accAfterTwoSteps(before)).toBe(42);
    expect(accAfterTwoSteps(after)).toBe(2 ** 32 - 42);
    before.close();
    after.close();
  });

  it('different Verilator flags or waveform support are different entries', async () => {
    const cache = freshCache();
    const file = design(false);
    const plain = await load(file, cache);
    const flagged = await load(file, cache, { verilatorFlags: ['-DHASHI_TEST_FLAG'] });
    const traced = await load(file, cache, { waveform: 'vcd', waveformPath: path.join(work, 'w.vcd') });
    const keys = new Set([plain.buildInfo.key, flagged.buildInfo.key, traced.buildInfo.key]);
    expect(keys.size).toBe(3);
    expect(flagged.buildInfo.cached).toBe(false);
    for (const sim of [plain, flagged, traced]) {
      expect(accAfterTwoSteps(sim)).toBe(42);
      sim.close();
    }
  });

  it('two processes building the same new design both succeed with one build', async () => {
    const cache = freshCache();
    const file = design(false);
    const children = [runChild(file, cache), runChild(file, cache)];
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const seen = results.map((r) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { key: string; cached: boolean; acc: number });
    expect(seen[0]!.key).toBe(seen[1]!.key);
    expect(seen.map((s) => s.acc)).toEqual([42, 42]);
    expect(seen.filter((s) => !s.cached)).toHaveLength(1); // the other waited on the lock
    const sim = await load(file, cache);
    expect(sim.buildInfo.cached).toBe(true);
    sim.close();
    expect(readdirSync(path.join(cache, 'models'))).toEqual([seen[0]!.key]);
    expect(readdirSync(path.join(cache, 'tmp'))).toEqual([]);
  });

  it('a build killed half-way does not poison the cache', async () => {
    const cache = freshCache();
    const file = design(true);
    const child = runChild(file, cache);
    // Wait until the child holds a model-build lock, then kill it and its compilers.
    const locks = path.join(cache, 'locks');
    const deadline = Date.now() + 60_000;
    let held = false;
    while (!held && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      held =
        existsSync(locks) &&
        readdirSync(locks).some((f) => {
          try {
            return f.startsWith('models-') && readFileSync(path.join(locks, f), 'utf8').startsWith(`${child.pid} `);
          } catch {
            return false;
          }
        });
    }
    expect(held).toBe(true);
    process.kill(-child.pid, 'SIGKILL');
    const { code } = await child.done;
    expect(code).not.toBe(0);
    const sim = await load(file, cache);
    expect(sim.buildInfo.cached).toBe(false);
    expect(accAfterTwoSteps(sim)).toBe(42);
    expect(readdirSync(path.join(cache, 'models'))).toEqual([sim.buildInfo.key]);
    expect(readdirSync(path.join(cache, 'tmp'))).toEqual([]); // the dead build's temp dir was swept
    sim.close();
  });
});
