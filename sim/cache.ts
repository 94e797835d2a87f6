// The build cache: content-addressed directories published by atomic rename, so a
// build killed half-way leaves only a temp dir behind, never a broken entry. A
// lock file keeps concurrent workers from compiling the same thing twice; the
// rename alone keeps the cache correct even if the lock is stolen.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from '../scripts/paths.mjs';

/** `override`, else `$HASHI_SIM_CACHE`, else `sim/` in hashi's cache folder (scripts/paths.mjs). */
export function cacheRoot(override?: string): string {
  return path.resolve(override ?? process.env.HASHI_SIM_CACHE ?? path.join(cacheDir(), 'sim'));
}

export function hashOf(parts: Array<string | Buffer>): string {
  const h = createHash('sha256');
  for (const part of parts) {
    // Length-prefix each part so ['ab','c'] and ['a','bc'] differ.
    h.update(`${Buffer.byteLength(part)}:`);
    h.update(part);
  }
  return h.digest('hex').slice(0, 32);
}

const READY = 'ready';
const STALE_LOCK_MS = 15 * 60_000;

export function isPublished(dir: string): boolean {
  return existsSync(path.join(dir, READY));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockIsStale(lock: string): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
    const pid = Number(text.trim());
    return (Number.isInteger(pid) && pid > 0 && !alive(pid)) || Date.now() - stat.mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // vanished or half-written: just retry
  }
}

/** Waits for the lock or for `done()` to become true; returns a release function, or undefined if done. */
async function acquire(lock: string, done: () => boolean): Promise<(() => Promise<void>) | undefined> {
  await fs.mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    if (done()) return undefined;
    try {
      const handle = await fs.open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await lockIsStale(lock)) await fs.rm(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes temp build dirs left by processes that died mid-build (names end in -<pid>-<random>). */
async function sweepDeadBuilds(tmpRoot: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(tmpRoot);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
      if (pid > 0 && pid !== process.pid && !alive(pid)) await fs.rm(path.join(tmpRoot, name), { recursive: true, force: true });
    }),
  );
}

/**
 * Returns `<root>/<kind>/<key>`, building it first with `build(tempDir)` unless it
 * is already published. `onBuild` reports that this call is the one building.
 */
export async function cachedEntry(
  root: string,
  kind: string,
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; built: boolean }> {
  const dir = path.join(root, kind, key);
  if (isPublished(dir)) return { dir, built: false };
  const release = await acquire(path.join(root, 'locks', `${kind}-${key}.lock`), () => isPublished(dir));
  if (!release) return { dir, built: false };
  try {
    if (isPublished(dir)) return { dir, built: false };
    await sweepDeadBuilds(path.join(root, 'tmp'));
    const tmp = path.join(root, 'tmp', `${kind}-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { recursive: true });
    try {
      await build(tmp);
      await fs.writeFile(path.join(tmp, READY), '');
      await fs.mkdir(path.dirname(dir), { recursive: true });
      try {
        await fs.rename(tmp, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Someone published meanwhile (lock stolen): theirs is as good as ours.
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !isPublished(dir)) throw e;
      }
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
    return { dir, built: true };
  } finally {
    await release();
  }
}
