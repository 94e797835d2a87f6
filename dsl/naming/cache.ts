// On-disk cache of the naming transform, keyed by content: sha256 of the
// transform version, the runtime specifier and the source text. Entries hold
// no file name (the map's source is filled in on read), so identical files
// share one entry. Writes go to a temporary file that is then renamed into
// place, so concurrent workers never see a half-written entry.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { cacheDir } from '../../scripts/paths.mjs';
import { mightImportHashi } from './detect.ts';
import { runtimeSpecifier as defaultRuntimeSpecifier } from './runtime-specifier.ts';
import type { SpliceResult } from './splice.ts';
import { NAMING_TRANSFORM_VERSION } from './version.ts';

/** `$HASHI_NAMING_CACHE`, else `naming/` in hashi's cache folder (scripts/paths.mjs); `HASHI_NAMING_CACHE=off` disables the cache. */
export function namingCacheDir(): string | null {
  const env = process.env.HASHI_NAMING_CACHE;
  if (env === 'off') return null;
  if (env) return env;
  return join(cacheDir(), 'naming');
}

export interface CachedTransformOptions {
  /** Cache folder; null disables the cache. Default: `namingCacheDir()`. */
  cacheDir?: string | null;
  runtimeSpecifier?: string;
  locators?: boolean;
}

/** What a cache entry holds: the output, or null for "leave the file as it is". */
interface Entry {
  version: string;
  code: string | null;
  mappings?: string;
  names?: string[];
}

export function namingCacheKey(code: string, runtimeSpecifier: string = defaultRuntimeSpecifier, locators = false): string {
  return createHash('sha256').update(`${NAMING_TRANSFORM_VERSION}\0${runtimeSpecifier}\0${locators ? 'L' : ''}\0`).update(code).digest('hex');
}

/**
 * `transformNaming` behind the disk cache. Files that cannot import hashi
 * never touch the disk; the parser (ts-morph, ~0.5 s to load) is loaded only
 * on the first cache miss.
 */
export async function cachedTransformNaming(code: string, fileName: string, opts: CachedTransformOptions = {}): Promise<SpliceResult | null> {
  if (/\.d\.m?ts$/.test(fileName) || !mightImportHashi(code)) return null;
  const dir = opts.cacheDir === undefined ? namingCacheDir() : opts.cacheDir;
  const spec = opts.runtimeSpecifier ?? defaultRuntimeSpecifier;
  const locators = opts.locators ?? false;
  const tOpts = { runtimeSpecifier: spec, locators };
  if (dir === null) return (await import('./transform.ts')).transformNaming(code, fileName, tOpts);

  const file = join(dir, `${namingCacheKey(code, spec, locators)}.json`);
  const hit = readEntry(file);
  if (hit) return fromEntry(hit, code, fileName);
  const result = (await import('./transform.ts')).transformNaming(code, fileName, tOpts);
  writeEntry(dir, file, {
    version: NAMING_TRANSFORM_VERSION,
    code: result ? result.code : null,
    ...(result ? { mappings: result.map.mappings, names: result.map.names } : {}),
  });
  return result;
}

function fromEntry(entry: Entry, original: string, fileName: string): SpliceResult | null {
  if (entry.code === null) return null;
  const map = { version: 3, sources: [basename(fileName)], sourcesContent: [original], names: entry.names ?? [], mappings: entry.mappings ?? '' };
  return { code: entry.code, map };
}

function readEntry(file: string): Entry | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // miss
  }
  try {
    const e = JSON.parse(text) as Entry;
    if (e.version === NAMING_TRANSFORM_VERSION && (e.code === null || (typeof e.code === 'string' && typeof e.mappings === 'string'))) return e;
  } catch {
    // corrupt entry: treated as a miss and overwritten
  }
  return undefined;
}

let tmpCounter = 0;

function writeEntry(dir: string, file: string, entry: Entry): void {
  const tmp = `${file}.${process.pid}.${threadId}.${++tmpCounter}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written (read-only disk, full disk) only costs speed.
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
  }
}
