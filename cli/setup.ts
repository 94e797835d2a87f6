// `hashi setup`, `hashi doctor` and `hashi init`: the toolchain bootstrap, its
// report and a new project, reachable from any project that installed hashi.
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { diagnose } from '../scripts/doctor.mjs';
import { initProject } from '../scripts/init.mjs';
import { packageRoot } from '../scripts/paths.mjs';
import { ToolError } from '../dsl/index.ts';
import { UsageError } from './usage-error.ts';

export function setupCommand(): void {
  const r = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'bootstrap.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new ToolError('setup', 'the setup did not finish (see above)', '`npx hashi doctor` lists what is missing and how to install it');
}

export function doctorCommand(opts: { json?: boolean }): void {
  const { facts, findings } = diagnose();
  if (opts.json) {
    console.log(JSON.stringify({ ...facts, tools: findings }));
  } else {
    const width = Math.max(...Object.keys(facts).map((k) => k.length), ...findings.map((f) => f.name.length)) + 2;
    for (const [k, v] of Object.entries(facts)) console.log(`${`${k}:`.padEnd(width)}${v}`);
    for (const f of findings) {
      const mark = f.status === 'ok' ? 'ok  ' : f.status === 'optional' ? 'opt ' : 'MISS';
      const what = [f.version, f.where && `at ${f.where}`].filter(Boolean).join(' ');
      console.log(`${mark} ${f.name.padEnd(width - 1)}${f.status === 'ok' ? what : `not found${f.where ? ` (${f.where})` : ''}`}`);
      if (f.status !== 'ok' && f.fix) console.log(`     ${''.padEnd(width - 1)}fix: ${f.fix}`);
    }
  }
  const missing = findings.filter((f) => f.status === 'missing').map((f) => f.name);
  if (missing.length) throw new ToolError('doctor', `missing: ${missing.join(', ')}`, 'see the fix under each one above');
}

export function initCommand(dir: string, opts: { hashi?: string }): void {
  let made;
  try {
    made = initProject(dir, opts.hashi ? { hashiSpec: opts.hashi } : {});
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const f of made.written) console.log(`created ${f}`);
  if (made.merged) console.log('package.json: added what hashi needs (type module, test script, dependencies)');
  const cd = relative(process.cwd(), made.dir);
  // A version spec only resolves once hashi is published: until then install the tarball or folder.
  const install = made.hashiFrom === 'version' ? 'npm install <hashi tarball or folder>' : 'npm install';
  console.log(`\nnext:${cd ? ` cd ${cd} &&` : ''} ${install} && npm test`);
  console.log('then: npx hashi emit src/blinky.ts   (npx hashi doctor shows which tools hashi finds)');
}
