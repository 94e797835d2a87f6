#!/usr/bin/env node
// Brings a fresh machine to a working hashi toolchain (`npm run bootstrap` in the
// checkout, `npx hashi setup` where hashi is installed), and does nothing slow
// when everything is already in place. Plain JS with no dependencies, because it
// runs before `npm ci`. Reports go to stderr so commands that print JSON on
// stdout stay machine-readable.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { firtoolPath, isSourceCheckout, packageRoot as root, pinnedFirtoolVersion } from './paths.mjs';

const quiet = process.argv.includes('--quiet');
const firtoolVersion = pinnedFirtoolVersion();

/** @param {string} msg */
function say(msg) {
  if (!quiet) process.stderr.write(`${msg}\n`);
}

/** @param {string} tool @param {string[]} tried @param {string} fix @returns {never} */
function fail(tool, tried, fix) {
  process.stderr.write(
    `\nhashi bootstrap: ${tool} is missing.\n` +
      tried.map((t) => `  tried: ${t}\n`).join('') +
      `  fix:   ${fix}\n`,
  );
  process.exit(1);
}

/**
 * @param {string} cmd @param {string[]} args
 * @param {{ inherit?: boolean, cwd?: string }} [opts]
 */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    stdio: opts.inherit ? ['ignore', process.stderr, process.stderr] : 'pipe',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** @param {string} name @returns {string | undefined} */
function which(name) {
  const r = run('sh', ['-c', `command -v ${name}`]);
  return r.ok ? r.out.trim() : undefined;
}

// ---- npm packages -----------------------------------------------------------
// Only in hashi's checkout: an installed hashi's packages are its project's business.
function ensureNpmPackages() {
  if (!isSourceCheckout || !existsSync(join(root, 'package-lock.json'))) return;
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.hashi-lock-sha256');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  say('npm packages: installing (npm ci)');
  const r = run('npm', ['ci', '--no-audit', '--no-fund'], { inherit: !quiet });
  if (!r.ok) fail('an npm package', ['npm ci'], 'check that the npm registry is reachable, then run `npm ci` by hand to see its error');
  writeFileSync(stamp, want);
}

// ---- Debian tools -------------------------------------------------------------
const debianTools = [
  { bin: 'verilator', pkg: 'verilator', env: 'HASHI_VERILATOR' },
  { bin: 'yosys', pkg: 'yosys' },
  { bin: 'iverilog', pkg: 'iverilog' },
  { bin: 'g++', pkg: 'g++' },
  { bin: 'make', pkg: 'make' },
];

function ensureDebianTools() {
  const missing = debianTools.filter((t) => {
    const override = t.env && process.env[t.env];
    if (override) {
      if (!existsSync(override)) fail(t.bin, [`${t.env}=${override}`], `point ${t.env} at an existing ${t.bin} binary, or unset it`);
      return false;
    }
    return !which(t.bin);
  });
  // ccache only speeds up rebuilds; install it alongside, never require it.
  const wanted = missing.map((t) => t.pkg);
  if (wanted.length === 0) return;
  const names = wanted.join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!which('apt-get')) fail(names, ['looked on PATH', 'apt-get: not available'], `install ${names} with your package manager`);
  if (!isRoot) fail(names, ['looked on PATH'], `install them as root: apt-get update && apt-get install -y ${wanted.join(' ')}`);
  say(`system tools: installing ${names} from Debian (apt-get)`);
  const update = run('apt-get', ['update', '-qq'], { inherit: !quiet });
  const install = update.ok
    ? run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...wanted, 'ccache'], { inherit: !quiet })
    : update;
  const still = missing.filter((t) => !which(t.bin)).map((t) => t.bin);
  if (!install.ok || still.length) {
    fail(still.join(', ') || names, ['apt-get update', `apt-get install -y ${wanted.join(' ')}`], 'check that Debian packages are reachable, then run the apt-get commands above by hand to see the error');
  }
}

// ---- CIRCT firtool from Maven Central -----------------------------------------

/** @param {string} bin */
function firtoolReportsVersion(bin) {
  const r = run(bin, ['--version']);
  return r.ok && r.out.includes(`CIRCT firtool-${firtoolVersion}`);
}

function ensureFirtool() {
  const bin = firtoolPath();
  if (process.env.HASHI_FIRTOOL) {
    if (!existsSync(bin)) fail('firtool', [`HASHI_FIRTOOL=${bin}`], 'point HASHI_FIRTOOL at a firtool binary, or unset it to use the pinned one');
    return;
  }
  if (existsSync(bin) && firtoolReportsVersion(bin)) return;
  const artifact = `org.chipsalliance:llvm-firtool:${firtoolVersion}:jar:linux-x64`;
  const tried = [`mvn dependency:get -Dartifact=${artifact}`];
  if (!which('mvn')) fail('firtool', ['mvn: not on PATH'], 'install Maven (apt-get install -y maven), or set HASHI_FIRTOOL to a firtool binary');
  say(`firtool: fetching ${artifact} with Maven`);
  // Maven's own output only matters when it fails; it is shown then.
  const get = run('mvn', ['-q', '-B', '-Dstyle.color=never', 'dependency:get', `-Dartifact=${artifact}`]);
  if (!get.ok) process.stderr.write(get.out);
  const jar = join(homedir(), '.m2', 'repository', 'org', 'chipsalliance', 'llvm-firtool', firtoolVersion, `llvm-firtool-${firtoolVersion}-linux-x64.jar`);
  if (!get.ok || !existsSync(jar)) fail('firtool', tried, `check that Maven Central is reachable and that version ${firtoolVersion} exists (package.json "hashi.firtoolVersion"), or set HASHI_FIRTOOL`);

  // Extract into a scratch folder, then publish with one rename, so an
  // interrupted run never leaves a half-written binary behind.
  const entry = 'org.chipsalliance/llvm-firtool/linux-x64/bin/firtool';
  const toolsDir = dirname(dirname(bin));
  mkdirSync(toolsDir, { recursive: true });
  const scratch = mkdtempSync(join(toolsDir, '.firtool-'));
  const extractors = [
    ['unzip', ['-q', '-o', jar, entry, '-d', scratch]],
    ['python3', ['-m', 'zipfile', '-e', jar, scratch]],
  ];
  let extracted = false;
  for (const [cmd, args] of /** @type {[string, string[]][]} */ (extractors)) {
    tried.push(`${cmd} (extract ${entry})`);
    if (which(cmd) && run(cmd, args).ok && existsSync(join(scratch, entry))) {
      extracted = true;
      break;
    }
  }
  if (!extracted) {
    rmSync(scratch, { recursive: true, force: true });
    fail('firtool', tried, `install unzip (apt-get install -y unzip) and run again`);
  }
  const dest = dirname(bin);
  chmodSync(join(scratch, entry), 0o755);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  renameSync(join(scratch, entry), bin);
  rmSync(scratch, { recursive: true, force: true });
  if (!firtoolReportsVersion(bin)) fail('firtool', [...tried, `${bin} --version`], `the extracted binary does not report CIRCT firtool-${firtoolVersion}; delete ${dest} and run again`);
}

// ---- report -----------------------------------------------------------------
/** @param {string} bin @param {string[]} args @param {RegExp} pattern */
function version(bin, args, pattern) {
  const m = run(bin, args).out.match(pattern);
  return m ? m[1] : 'unknown';
}

ensureNpmPackages();
ensureDebianTools();
ensureFirtool();
const verilator = process.env.HASHI_VERILATOR || 'verilator';
say(
  `toolchain: firtool ${version(firtoolPath(), ['--version'], /CIRCT firtool-(\S+)/)}, ` +
    `Verilator ${version(verilator, ['--version'], /Verilator (\S+)/)}, ` +
    `Yosys ${version('yosys', ['-V'], /Yosys (\S+)/)}, ` +
    `Icarus Verilog ${version('iverilog', ['-V'], /version (\S+)/)}`,
);
