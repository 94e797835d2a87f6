// Where hashi's own files, its caches and its downloaded tools live; plain JS with
// no dependencies, shared by the bootstrap (which runs before `npm ci`) and the
// TypeScript code. An installed hashi never writes into its own folder.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** hashi's package folder: the nearest folder above this file holding hashi's package.json. */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(/** @type {string} */ from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'hashi') return dir;
    if (dirname(dir) === dir) throw new Error(`hashi: no package.json of hashi above ${from}`);
  }
}

/** True in hashi's own source checkout (TypeScript sources present), false in an installed package. */
export const isSourceCheckout = existsSync(join(packageRoot, 'dsl', 'index.ts'));

/** The CIRCT firtool version hashi is tested with (package.json "hashi.firtoolVersion"). */
export function pinnedFirtoolVersion() {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  return /** @type {string} */ (pkg.hashi.firtoolVersion);
}

/**
 * The cache folder (simulation models, naming transforms, downloaded firtool):
 * `$HASHI_CACHE_DIR`; else `<checkout>/.cache` when working inside hashi's own
 * checkout; else the per-user `$XDG_CACHE_HOME/hashi` (default `~/.cache/hashi`).
 * @param {NodeJS.ProcessEnv} [env] @param {string} [cwd]
 */
export function cacheDir(env = process.env, cwd = process.cwd()) {
  if (env.HASHI_CACHE_DIR) return resolve(env.HASHI_CACHE_DIR);
  const inCheckout = isSourceCheckout && (resolve(cwd) + sep).startsWith(packageRoot + sep);
  if (inCheckout) return join(packageRoot, '.cache');
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'hashi');
}

/**
 * Where the pinned firtool is unpacked: `tools/` in hashi's checkout (git-ignored),
 * otherwise `<cache>/tools`. `$HASHI_FIRTOOL` (a binary) overrides both.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function firtoolInstallPath(env = process.env) {
  const base = isSourceCheckout ? join(packageRoot, 'tools') : join(cacheDir(env), 'tools');
  return join(base, `firtool-${pinnedFirtoolVersion()}`, 'firtool');
}

/** The firtool binary to run: `$HASHI_FIRTOOL`, else the pinned install. @param {NodeJS.ProcessEnv} [env] */
export function firtoolPath(env = process.env) {
  return env.HASHI_FIRTOOL || firtoolInstallPath(env);
}

/**
 * The package's entry points (`hashi`, `hashi/sim`, ...) as file URLs, read from
 * package.json "exports": the compiled files in dist/, or with `fromSources` the
 * TypeScript they are built from.
 * @param {boolean} fromSources @returns {Map<string, string>}
 */
export function packageEntries(fromSources) {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const [key, target] of Object.entries(/** @type {Record<string, { default?: string }>} */ (pkg.exports ?? {}))) {
    const file = target.default;
    if (!file?.endsWith('.js')) continue;
    const path = fromSources ? file.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts') : file;
    out.set(key === '.' ? 'hashi' : `hashi/${key.slice(2)}`, pathToFileURL(join(packageRoot, path)).href);
  }
  return out;
}
