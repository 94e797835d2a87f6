// `hashi init [dir]`: a new project that uses hashi as a dependency: package.json
// (ESM), tsconfig.json, a vitest config with the naming plugin, one design and one
// test that simulates it (copied from templates/project/). Existing files are
// never overwritten; an existing package.json gets what is missing merged in.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { isSourceCheckout, packageRoot } from './paths.mjs';

const templateDir = join(packageRoot, 'templates', 'project');
// npm leaves `.gitignore` out of packages, so the template holds it as `gitignore`.
const renames = /** @type {Record<string, string>} */ ({ gitignore: '.gitignore' });
const npmDefaultTest = 'echo "Error: no test specified" && exit 1';

/** @param {string} dir @returns {string[]} template files, relative to dir */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)).map((f) => join(name, f)) : [name]));
}

/**
 * @param {string} dir the project folder (created if missing)
 * @param {{ hashiSpec?: string }} [opts] the dependency written for hashi; default:
 *   this checkout as a path (`file:...`), or this package's version when installed
 * @returns {{ dir: string, written: string[], merged: boolean, hashiFrom: 'path' | 'version' | 'given' }}
 */
export function initProject(dir, opts = {}) {
  const root = resolve(dir);
  const copies = filesUnder(templateDir).map((f) => ({ from: join(templateDir, f), to: join(root, renames[f] ?? f) }));
  const clashes = copies.filter((c) => existsSync(c.to)).map((c) => relative(process.cwd(), c.to) || c.to);
  if (clashes.length) {
    throw new Error(`${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''}; hashi init writes only new files: choose an empty folder or move them away`);
  }
  mkdirSync(root, { recursive: true });
  for (const c of copies) cpSync(c.from, c.to);

  const hashiPkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  const pkgPath = join(root, 'package.json');
  const merged = existsSync(pkgPath);
  const pkg = merged ? JSON.parse(readFileSync(pkgPath, 'utf8')) : { name: npmName(basename(root)), version: '0.1.0', private: true };
  pkg.type = 'module';
  pkg.scripts = { ...pkg.scripts };
  if (!pkg.scripts.test || pkg.scripts.test === npmDefaultTest) pkg.scripts.test = 'tsc --noEmit -p . && vitest run';
  pkg.scripts.emit ??= 'hashi emit src/blinky.ts';
  pkg.dependencies = { ...pkg.dependencies };
  const hadHashi = pkg.dependencies.hashi !== undefined;
  pkg.dependencies.hashi ??= opts.hashiSpec ?? (isSourceCheckout ? `file:${packageRoot}` : `^${hashiPkg.version}`);
  pkg.devDependencies = { ...pkg.devDependencies };
  for (const dep of ['typescript', 'vitest']) pkg.devDependencies[dep] ??= hashiPkg.devDependencies[dep];
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  const hashiFrom = hadHashi || opts.hashiSpec ? 'given' : isSourceCheckout ? 'path' : 'version';
  return { dir: root, written: [...copies.map((c) => relative(root, c.to)), ...(merged ? [] : ['package.json'])], merged, hashiFrom };
}

/** A folder name as an npm package name (lower case, URL-safe). @param {string} name */
function npmName(name) {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'hashi-project';
}
