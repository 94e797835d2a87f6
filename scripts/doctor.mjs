// `hashi doctor`: what hashi finds on this machine, where, and what is missing
// (with the fix). Plain JS with no dependencies, like the bootstrap it mirrors.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { cacheDir, firtoolPath, isSourceCheckout, packageRoot, pinnedFirtoolVersion } from './paths.mjs';

/**
 * @typedef {{ name: string, status: 'ok' | 'missing' | 'optional', where?: string, version?: string, fix?: string }} Finding
 */

/** @param {string} name @returns {string | undefined} */
function onPath(name) {
  if (name.includes('/')) return existsSync(name) ? resolve(name) : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** @param {string} bin @param {string[]} args @param {RegExp} pattern */
function versionOf(bin, args, pattern) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.match(pattern)?.[1];
}

/**
 * @param {string} name @param {string} bin @param {string[]} args @param {RegExp} pattern
 * @param {string} fix @param {boolean} [optional]
 * @returns {Finding}
 */
function tool(name, bin, args, pattern, fix, optional = false) {
  const where = onPath(bin);
  const version = where ? versionOf(where, args, pattern) : undefined;
  if (where && version) return { name, status: 'ok', where, version };
  return { name, status: optional ? 'optional' : 'missing', ...(where ? { where } : {}), fix };
}

/** Everything hashi needs, in the order the bootstrap brings it in. @returns {{ facts: Record<string, string>, findings: Finding[] }} */
export function diagnose() {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  const setup = isSourceCheckout ? 'npm run bootstrap' : 'npx hashi setup';
  const facts = {
    hashi: `${pkg.version} (${isSourceCheckout ? 'source checkout' : 'installed package'})`,
    'hashi folder': packageRoot,
    'cache folder': `${cacheDir()}${process.env.HASHI_CACHE_DIR ? ' (HASHI_CACHE_DIR)' : ''}`,
    node: `${process.version} at ${process.execPath}`,
  };
  const firtool = firtoolPath();
  const firtoolVersion = existsSync(firtool) ? versionOf(firtool, ['--version'], /CIRCT firtool-(\S+)/) : undefined;
  const pinned = pinnedFirtoolVersion();
  /** @type {Finding[]} */
  const findings = [
    firtoolVersion
      ? { name: 'firtool', status: 'ok', where: firtool, version: firtoolVersion + (firtoolVersion === pinned ? '' : ` (hashi is tested with ${pinned})`) }
      : { name: 'firtool', status: 'missing', where: firtool, fix: `${setup} (fetches CIRCT firtool ${pinned} with Maven), or set HASHI_FIRTOOL to a firtool binary` },
    tool('verilator', process.env.HASHI_VERILATOR || 'verilator', ['--version'], /Verilator (\S+)/, `${setup}, or apt-get install -y verilator, or set HASHI_VERILATOR`),
    tool('C++ compiler', process.env.CXX || 'g++', ['--version'], /(\d+\.\d+\.\d+)/, `${setup}, or apt-get install -y g++ (or set CXX)`),
    tool('make', 'make', ['--version'], /Make (\S+)/, `${setup}, or apt-get install -y make`),
    nodeHeaders(),
    tool('yosys', process.env.HASHI_YOSYS || 'yosys', ['-V'], /Yosys (\S+)/, `${setup}, or apt-get install -y yosys, or set HASHI_YOSYS (needed by \`hashi report\`)`),
    tool('iverilog', 'iverilog', ['-V'], /version (\S+)/, `${setup}, or apt-get install -y iverilog (to check the SystemVerilog with Icarus)`),
    tool('ccache', 'ccache', ['--version'], /version (\S+)/, 'optional: apt-get install -y ccache speeds up rebuilding simulation models', true),
  ];
  if (isSourceCheckout) findings.push(builtPackage());
  if (!firtoolVersion && !process.env.HASHI_FIRTOOL) {
    findings.push(tool('mvn', 'mvn', ['--version'], /Maven (\d[\w.]*)/, 'apt-get install -y maven (the setup fetches firtool with it)'));
  }
  return { facts, findings };
}

/** @returns {Finding} */
function nodeHeaders() {
  const dir = [process.env.HASHI_NODE_INCLUDE, resolve(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find(
    (d) => !!d && existsSync(join(d, 'node_api.h')),
  );
  return dir
    ? { name: 'Node headers', status: 'ok', where: dir }
    : { name: 'Node headers', status: 'missing', fix: "install Node with its headers (include/node/node_api.h), or set HASHI_NODE_INCLUDE" };
}

/** In the checkout: whether dist/ (what a project that installs this folder by path loads) is built. @returns {Finding} */
function builtPackage() {
  const entry = join(packageRoot, 'dist', 'dsl', 'index.js');
  return existsSync(entry)
    ? { name: 'built package', status: 'ok', where: join(packageRoot, 'dist'), version: `built ${statSync(entry).mtime.toISOString().slice(0, 16).replace('T', ' ')}` }
    : { name: 'built package', status: 'optional', where: join(packageRoot, 'dist'), fix: 'npm run build: needed only by projects that install this checkout by path (npm pack builds it by itself)' };
}
