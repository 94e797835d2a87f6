// Fault injection on the simulation cache, in a private cache folder: a damaged
// model addon or runtime archive is detected before it is loaded and rebuilt
// with a one-line notice; a lock left empty, by a dead process or by one that
// stopped touching it is taken over in seconds; a build killed half-way leaves
// nothing that breaks the next one.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSimulator } from '../../sim/index.ts';
import { accumulator, fixture } from '../sim/helpers.ts';

const work = mkdtempSync(path.join(tmpdir(), 'hashi-cache-faults-'));
const cache = path.join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the accumulator; `nonce` makes a design no cache has seen. */
function design(nonce = false): string {
  const file = path.join(work, `Accumulator-${randomBytes(6).toString('hex')}.sv`);
  const sv = readFileSync(fixture('Accumulator.sv'), 'utf8');
  writeFileSync(file, nonce ? `${sv}\n// nonce ${randomBytes(8).toString('hex')}\n` : sv);
  return file;
}

async function run(file: string, cacheDir = cache) {
  const sim = await loadSimulator({ ...accumulator, svFiles: [file], cacheDir });
  sim.reset();
  sim.poke('en', 1);
  sim.poke('in', 21);
  sim.step(2);
  const acc = sim.peek('acc');
  const info = sim.buildInfo;
  sim.close();
  return { acc, cached: info.cached, key: info.key };
}

let notices: string[] = [];
beforeEach(() => {
  notices = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    notices.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/**
 * Damage `file` as the disk would, but through a new inode: this test process
 * has the addon mapped (dlopen), and truncating a mapped file in place would
 * kill the process itself with SIGBUS.
 */
function replaceWith(file: string, bytes: Buffer): void {
  const tmp = `${file}.damaged`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
const truncated = (f: string, size: number) => replaceWith(f, readFileSync(f).subarray(0, size));

const addonOf = (key: string) => path.join(cache, 'models', key, 'model.node');
const marker = (key: string) => path.join(cache, 'models', key, 'ready');
const damageNotices = () => notices.filter((n) => /^hashi sim: cached .* is damaged \(.*\); rebuilding it\n$/.test(n));

describe('a damaged model addon is rebuilt, never loaded', () => {
  const file = design(true);
  let key = '';

  it('builds once and records the SHA-256 of the addon in the ready marker', async () => {
    const first = await run(file);
    expect(first).toMatchObject({ acc: 42, cached: false });
    key = first.key;
    const recorded = JSON.parse(readFileSync(marker(key), 'utf8')) as { files: Record<string, { sha256: string; size: number }> };
    expect(recorded.files['model.node']!.size).toBe(statSync(addonOf(key)).size);
    expect(recorded.files['model.node']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await run(file)).toMatchObject({ acc: 42, cached: true });
    expect(damageNotices()).toEqual([]);
  });

  const faults: [string, (f: string) => void, RegExp][] = [
    ['truncated to half', (f) => truncated(f, Math.floor(statSync(f).size / 2)), /model\.node is \d+ bytes, \d+ when it was built/],
    ['zeroed (same size)', (f) => replaceWith(f, Buffer.alloc(statSync(f).size)), /does not match the SHA-256 recorded/],
    ['one byte flipped', (f) => {
      const b = Buffer.from(readFileSync(f));
      const at = b.length >> 1;
      b.writeUInt8(b.readUInt8(at) ^ 0xff, at);
      replaceWith(f, b);
    }, /does not match the SHA-256 recorded/],
    ['emptied', (f) => replaceWith(f, Buffer.alloc(0)), /model\.node is 0 bytes/],
    ['deleted', (f) => rmSync(f), /model\.node is missing/],
  ];
  for (const [what, hurt, why] of faults) {
    it(`addon ${what}: one notice, a rebuild, and the right answer`, async () => {
      hurt(addonOf(key));
      const after = await run(file);
      expect(after).toMatchObject({ acc: 42, cached: false, key });
      expect(damageNotices()).toHaveLength(1);
      expect(damageNotices()[0]).toMatch(why);
      expect(await run(file)).toMatchObject({ acc: 42, cached: true });
    });
  }

  it('a new process given a truncated addon rebuilds it with a notice (it does not die of SIGBUS)', async () => {
    truncated(addonOf(key), Math.floor(statSync(addonOf(key)).size / 2));
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture('build-child.ts'), file], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, HASHI_SIM_CACHE: cache },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/hashi sim: cached models\/\w+ is damaged \(model\.node is \d+ bytes, \d+ when it was built\); rebuilding it/);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ key, cached: false, acc: 42 });
  });

  it('an entry of an older hashi (empty marker) is checked structurally, then gets its hash', async () => {
    writeFileSync(marker(key), '');
    expect(await run(file)).toMatchObject({ acc: 42, cached: true });
    expect(readFileSync(marker(key), 'utf8')).toMatch(/"sha256":"[0-9a-f]{64}"/);
    writeFileSync(marker(key), '');
    truncated(addonOf(key), statSync(addonOf(key)).size - 100);
    const after = await run(file);
    expect(after).toMatchObject({ acc: 42, cached: false });
    expect(damageNotices()[0]).toMatch(/model\.node is truncated/);
  });
});

describe('a damaged runtime archive is rebuilt before a model links it', () => {
  const runtimeArchive = (): string => {
    const dirs = readdirSync(path.join(cache, 'runtime'));
    expect(dirs).toHaveLength(1);
    return path.join(cache, 'runtime', dirs[0]!, 'libhashi_rt.a');
  };
  const faults: [string, (f: string) => void][] = [
    ['truncated', (f) => truncated(f, Math.floor(statSync(f).size / 3))],
    ['zeroed', (f) => replaceWith(f, Buffer.alloc(statSync(f).size))],
  ];
  for (const [what, hurt] of faults) {
    it(`runtime archive ${what}: a new design still builds and runs, with one notice`, async () => {
      await run(design()); // the runtime exists
      notices = [];
      hurt(runtimeArchive());
      expect(await run(design(true))).toMatchObject({ acc: 42, cached: false });
      expect(damageNotices()).toHaveLength(1);
      expect(damageNotices()[0]).toMatch(/cached runtime\/\w+ is damaged \(libhashi_rt\.a/);
    });
  }
});

describe('locks: taken over in seconds when their owner is gone', () => {
  const lockFor = (key: string) => path.join(cache, 'locks', `models-${key}.lock`);

  async function keyOf(file: string): Promise<string> {
    const r = await run(file);
    rmSync(path.join(cache, 'models', r.key), { recursive: true });
    return r.key;
  }

  const stale: [string, (lock: string) => void][] = [
    ['empty (a writer killed between creating and writing it)', (l) => {
      writeFileSync(l, '');
      const past = new Date(Date.now() - 5_000);
      utimesSync(l, past, past);
    }],
    ['held by a process that is gone', (l) => writeFileSync(l, `999999999 ${hostname()}\n`)],
    ['held by a live process that stopped touching it', (l) => {
      writeFileSync(l, `1 ${hostname()}\n`); // pid 1 is alive, but no hashi build of it keeps the lock fresh
      const past = new Date(Date.now() - 60_000);
      utimesSync(l, past, past);
    }],
  ];
  for (const [what, plant] of stale) {
    it(`a lock ${what} is taken over within seconds`, async () => {
      const file = design(true);
      const key = await keyOf(file);
      mkdirSync(path.dirname(lockFor(key)), { recursive: true });
      plant(lockFor(key));
      const started = Date.now();
      expect(await run(file)).toMatchObject({ acc: 42, cached: false });
      // The build itself takes seconds; the old rule waited 15 minutes.
      expect(Date.now() - started).toBeLessThan(90_000);
    });
  }

  it('a fresh empty lock is not stolen at once (its writer may be about to fill it)', async () => {
    const file = design(true);
    const key = await keyOf(file);
    writeFileSync(lockFor(key), '');
    const waiting = run(file);
    await new Promise((r) => setTimeout(r, 500));
    expect(readFileSync(lockFor(key), 'utf8')).toBe(''); // still the planted one
    expect(await waiting).toMatchObject({ acc: 42, cached: false });
  });
});

describe('a process killed at any point of a build', () => {
  const child = (file: string) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fixture('build-child.ts'), file], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HASHI_SIM_CACHE: cache },
      detached: true,
    });
    const done = new Promise<number | null>((resolve) => p.on('close', resolve));
    return { pid: p.pid!, done };
  };

  for (const stage of ['holding the lock', 'after a temp folder exists'] as const) {
    it(`killed ${stage}: the next load builds and runs, and nothing is left behind`, async () => {
      const file = design(true);
      const c = child(file);
      const deadline = Date.now() + 90_000;
      const reached = (): boolean => {
        if (stage === 'holding the lock') {
          const locks = path.join(cache, 'locks');
          try {
            return readdirSync(locks).some((f) => f.startsWith('models-') && f.endsWith('.lock') && readFileSync(path.join(locks, f), 'utf8').startsWith(`${c.pid} `));
          } catch {
            return false;
          }
        }
        try {
          return readdirSync(path.join(cache, 'tmp')).some((f) => f.startsWith('models-') && f.includes(`-${c.pid}-`));
        } catch {
          return false;
        }
      };
      while (!reached() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(reached()).toBe(true);
      process.kill(-c.pid, 'SIGKILL');
      expect(await c.done).not.toBe(0);
      const started = Date.now();
      expect(await run(file)).toMatchObject({ acc: 42, cached: false });
      expect(Date.now() - started).toBeLessThan(90_000);
      expect(readdirSync(path.join(cache, 'tmp')).filter((f) => f.includes(`-${c.pid}-`))).toEqual([]);
      expect(readdirSync(path.join(cache, 'locks')).filter((f) => f.includes(String(c.pid)))).toEqual([]);
    });
  }
});
