#!/usr/bin/env node
// CI check that hashi works as a dependency: pack it, create a project with
// `hashi init` in a temporary folder outside the checkout, install the tarball
// there, run `npx hashi setup`, the project's `npm test` and `npx hashi emit`.
// argv: [resultsJson] where the project's vitest JSON report is copied.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from './paths.mjs';

const resultsOut = process.argv[2] ? resolve(process.argv[2]) : undefined;
const work = mkdtempSync(join(tmpdir(), 'hashi-packed-'));
const project = join(work, 'my-hardware');
const started = performance.now();

/** @param {string} what @param {string} cmd @param {string[]} args @param {string} cwd */
function step(what, cmd, args, cwd) {
  const t = performance.now();
  process.stderr.write(`packed project: ${what}\n`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) {
    process.stderr.write(`packed project: '${cmd} ${args.join(' ')}' failed in ${cwd} (kept for inspection)\n`);
    process.exit(1);
  }
  process.stderr.write(`packed project: ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

step('npm pack', 'npm', ['pack', '--silent', '--pack-destination', work], packageRoot);
const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
step('hashi init', process.execPath, [join(packageRoot, 'cli', 'bin.mjs'), 'init', project], work);
step('npm install (the tarball)', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball)], project);
step('npx hashi setup', 'npx', ['hashi', 'setup'], project);
const report = join(project, 'build', 'vitest-results.json');
step('npm test', 'npm', ['test', '--', '--reporter=default', '--reporter=json', `--outputFile=${report}`], project);
step('npx hashi emit', 'npx', ['hashi', 'emit', 'src/blinky.ts', '-o', 'build/blinky'], project);
if (!existsSync(join(project, 'build', 'blinky', 'sv', 'Blinky.sv'))) throw new Error('hashi emit wrote no build/blinky/sv/Blinky.sv');
if (resultsOut) copyFileSync(report, resultsOut);
rmSync(work, { recursive: true, force: true });
process.stderr.write(`packed project: all green in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
