// The build cache: content-addressed directories published by atomic rename, so a
// build killed half-way leaves only a temp dir behind, never a broken entry. The
// ready marker records each artifact's SHA-256, checked before anything is
// loaded: a file damaged on disk is rebuilt, never dlopen'ed. A lock file, kept
// fresh by its owner, keeps concurrent workers from compiling the same thing
// twice; the rename alone keeps the cache correct even if the lock is stolen.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { hostname } from 'node:os';
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
/** The owner of a lock touches it this often; a lock untouched for STALE_LOCK_MS is abandoned. */
const HEARTBEAT_MS = 2_000;
const STALE_LOCK_MS = 20_000;
/** A lock of an older hashi (pid only, no heartbeat) outlives any build after this long. */
const UNTOUCHED_LOCK_MS = 15 * 60_000;
/** A lock without an owner line this old was left by a writer killed mid-write. */
const EMPTY_LOCK_MS = 2_000;

export function isPublished(dir: string): boolean {
  return existsSync(path.join(dir, READY));
}

/** What the ready marker records: each artifact's SHA-256 and size. */
interface Marker {
  readonly files: Record<string, { readonly sha256: string; readonly size: number }>;
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, READY), 'utf8')) as Marker;
    return m && typeof m.files === 'object' ? m : undefined;
  } catch {
    return undefined; // an empty marker of an older hashi, or a damaged one
  }
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

// Artifacts already checked by this process, by path and on-disk identity.
const verified = new Map<string, string>();

function identity(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Why the published entry `dir` cannot be used (undefined: it is sound). Its
 * artifacts must match the hashes its marker recorded at publish; an entry of an
 * older hashi (no hashes) must pass a structural check and then gets them.
 */
async function damage(dir: string, artifacts: readonly string[]): Promise<string | undefined> {
  const marker = readMarker(dir);
  for (const name of artifacts) {
    const file = path.join(dir, name);
    const id = identity(file);
    if (id === undefined) return `${name} is missing`;
    if (verified.get(file) === id) continue;
    const want = marker?.files[name];
    if (want) {
      const size = statSync(file).size;
      if (size !== want.size) return `${name} is ${size} bytes, ${want.size} when it was built`;
      if ((await sha256(file)) !== want.sha256) return `${name} does not match the SHA-256 recorded when it was built`;
    } else {
      const problem = structuralDamage(file);
      if (problem) return `${name} ${problem}`;
    }
    verified.set(file, id);
  }
  if (!marker) await writeMarker(dir, artifacts).catch(() => undefined); // best effort: record hashes for an older entry
  return undefined;
}

/** A cheap check for an artifact without a recorded hash: an intact ELF object, or an ar archive whose members fill it. */
function structuralDamage(file: string): string | undefined {
  const bytes = readFileSync(file);
  if (bytes.length >= 64 && bytes.readUInt32BE(0) === 0x7f454c46) {
    if (bytes[4] !== 2 || bytes[5] !== 1) return undefined; // not 64-bit little-endian: no further check
    const shoff = Number(bytes.readBigUInt64LE(0x28));
    const end = shoff + bytes.readUInt16LE(0x3a) * bytes.readUInt16LE(0x3c);
    return end > bytes.length ? `is truncated (${bytes.length} bytes, its section table ends at ${end})` : undefined;
  }
  if (bytes.subarray(0, 8).toString('latin1') === '!<arch>\n') {
    let at = 8;
    while (at + 60 <= bytes.length) {
      const size = Number(bytes.subarray(at + 48, at + 58).toString('latin1').trim());
      if (!Number.isInteger(size) || bytes.subarray(at + 58, at + 60).toString('latin1') !== '`\n') return `has a damaged member header at byte ${at}`;
      at += 60 + size + (size % 2);
    }
    return at === bytes.length || at === bytes.length + 1 ? undefined : `is truncated (${bytes.length} bytes, its members need ${at})`;
  }
  return 'is neither an ELF object nor an archive (damaged or zeroed)';
}

async function writeMarker(dir: string, artifacts: readonly string[]): Promise<void> {
  const files: Marker['files'] = {};
  for (const name of artifacts) {
    const file = path.join(dir, name);
    files[name] = { sha256: await sha256(file), size: (await fs.stat(file)).size };
  }
  // Write then rename: a process killed here leaves the old marker or the new one, never half of one.
  const tmp = path.join(dir, `${READY}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await fs.writeFile(tmp, JSON.stringify({ files } satisfies Marker));
  await fs.rename(tmp, path.join(dir, READY));
}

/** Moves a damaged entry out of the way (atomically, so a concurrent reader sees it or nothing) and deletes it. */
async function discard(root: string, dir: string, why: string): Promise<void> {
  process.stderr.write(`hashi sim: cached ${path.relative(root, dir)} is damaged (${why}); rebuilding it\n`);
  const trash = path.join(root, 'tmp', `discarded-${path.basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(path.dirname(trash), { recursive: true });
  try {
    await fs.rename(dir, trash);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // another process moved it first
  }
  await fs.rm(trash, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const host = hostname();

/** Why a lock may be taken over (undefined: its owner is alive and building). */
async function lockIsStale(lock: string): Promise<string | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
    const age = Date.now() - stat.mtimeMs;
    const [pidText, owner] = text.trim().split(/\s+/);
    const pid = Number(pidText);
    if (!(Number.isInteger(pid) && pid > 0)) return age > EMPTY_LOCK_MS ? `it has no owner (${text.length} bytes) and is ${Math.round(age / 1000)} s old` : undefined;
    if ((owner === undefined || owner === host) && !alive(pid)) return `its owner, process ${pid}, is gone`;
    // Only locks that name their host are kept fresh by their owner (an older hashi's are not).
    if (age > (owner === undefined ? UNTOUCHED_LOCK_MS : STALE_LOCK_MS)) return `its owner has not touched it for ${Math.round(age / 1000)} s`;
    return undefined;
  } catch {
    return undefined; // vanished meanwhile: just retry
  }
}

/** Waits for the lock or for `done()` to become true; returns a release function, or undefined if done. */
async function acquire(lock: string, done: () => Promise<boolean>): Promise<(() => Promise<void>) | undefined> {
  await fs.mkdir(path.dirname(lock), { recursive: true });
  await sweepDeadFiles(path.dirname(lock), /\.lock\.(\d+)\.[0-9a-f]+$/);
  for (;;) {
    if (await done()) return undefined;
    // The lock appears with its owner line already in it (a hard link of a
    // finished file), so a process killed while taking it leaves no empty lock.
    const mine = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await fs.writeFile(mine, `${process.pid} ${host}\n`);
    try {
      await fs.link(mine, lock);
      const heartbeat = setInterval(() => {
        const now = new Date();
        fs.utimes(lock, now, now).catch(() => undefined);
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        await fs.rm(lock, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await fs.rm(mine, { force: true });
    }
    if (await lockIsStale(lock)) await fs.rm(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes what processes that died mid-build left in `dir`: names matching `pattern`, whose group 1 is the pid. */
async function sweepDeadFiles(dir: string, pattern: RegExp): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(pattern.exec(name)?.[1]);
      if (pid > 0 && pid !== process.pid && !alive(pid)) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    }),
  );
}

/** Temp build dirs of dead processes (names end in -<pid>-<random>). */
const sweepDeadBuilds = (tmpRoot: string): Promise<void> => sweepDeadFiles(tmpRoot, /-(\d+)-[0-9a-f]+$/);

/** The published entry `dir` if it is sound; a damaged one is discarded (with a one-line notice). */
export async function soundEntry(root: string, dir: string, artifacts: readonly string[]): Promise<boolean> {
  if (!isPublished(dir)) return false;
  const why = await damage(dir, artifacts);
  if (why === undefined) return true;
  await discard(root, dir, why);
  return false;
}

/**
 * Returns `<root>/<kind>/<key>`, building it first with `build(tempDir)` unless a
 * sound entry is already published. `artifacts` are the files the build leaves
 * in the folder; their hashes are recorded and checked on every later use.
 */
export async function cachedEntry(
  root: string,
  kind: string,
  key: string,
  artifacts: readonly string[],
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; built: boolean }> {
  const dir = path.join(root, kind, key);
  const sound = (): Promise<boolean> => soundEntry(root, dir, artifacts);
  if (await sound()) return { dir, built: false };
  const release = await acquire(path.join(root, 'locks', `${kind}-${key}.lock`), sound);
  if (!release) return { dir, built: false };
  try {
    if (await sound()) return { dir, built: false };
    await sweepDeadBuilds(path.join(root, 'tmp'));
    const tmp = path.join(root, 'tmp', `${kind}-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { recursive: true });
    try {
      await build(tmp);
      await writeMarker(tmp, artifacts);
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
