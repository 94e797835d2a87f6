#!/usr/bin/env node
// The Python environment of train/ (PyTorch on CPU, numpy, scikit-learn, safetensors,
// onnx, pytest): a git-ignored virtual environment in .cache/venv-train, created and
// filled from train/requirements.txt only when that file changed (sha256 stamp).
// pip keeps its downloads in .cache/pip, so a rebuilt environment installs offline-fast.
//   node scripts/train-env.mjs            ensure the environment, print nothing on stdout
//   node scripts/train-env.mjs --python   ... then print the interpreter's path
//   node scripts/train-env.mjs --run ARGS run `python ARGS` in train/ with the environment
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.cache', 'venv-train');
const python = join(venv, 'bin', 'python');
const requirements = join(root, 'train', 'requirements.txt');
const stamp = join(venv, '.hashi-requirements-sha256');

/** @param {string} msg */
const say = (msg) => process.stderr.write(`${msg}\n`);

/** @param {string} what @param {string} fix @returns {never} */
function fail(what, fix) {
  say(`\nhashi train-env: ${what}\n  fix: ${fix}`);
  process.exit(1);
}

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr], env: { ...process.env, PIP_CACHE_DIR: join(root, '.cache', 'pip'), PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  return r.status === 0;
}

/** A python3 of at least 3.10 (PyTorch's wheels need it). */
function findPython() {
  for (const name of ['python3.12', 'python3.11', 'python3.10', 'python3']) {
    const r = spawnSync(name, ['-c', 'import sys, venv; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === 'True') return name;
  }
  return fail('no Python 3.10 or newer with the venv module on PATH', 'apt-get install -y python3 python3-venv');
}

export function ensureTrainEnv() {
  const want = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(python)) return python;
  const t0 = performance.now();
  say('train env: creating .cache/venv-train and installing train/requirements.txt (PyTorch for CPU; the first time downloads a few GB)');
  if (!existsSync(python)) {
    rmSync(venv, { recursive: true, force: true });
    if (!run(findPython(), ['-m', 'venv', venv])) fail('could not create the virtual environment', 'apt-get install -y python3-venv, then run again');
  }
  if (!run(python, ['-m', 'pip', 'install', '-q', '-r', requirements])) fail('pip could not install train/requirements.txt', 'check that PyPI is reachable, then run .cache/venv-train/bin/pip install -r train/requirements.txt by hand to see the error');
  writeFileSync(stamp, want);
  say(`train env: ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return python;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const py = ensureTrainEnv();
  const i = process.argv.indexOf('--run');
  if (i >= 0) {
    const r = spawnSync(py, process.argv.slice(i + 1), { cwd: join(root, 'train'), stdio: 'inherit', env: { ...process.env, PYTHONHASHSEED: '0' } });
    process.exit(r.status ?? 1);
  }
  if (process.argv.includes('--python')) process.stdout.write(`${py}\n`);
}
