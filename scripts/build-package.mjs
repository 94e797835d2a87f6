#!/usr/bin/env node
// Builds what the npm package ships (run by `npm pack` as prepack, or `npm run build`):
// dist/ holds the JavaScript and .d.ts files tsc compiles from dsl/, sim/, lib/,
// cli/ and designs/ (imports rewritten from .ts to .js), plus the simulation
// harness's C++ sources. Consumers then need no TypeScript loader for hashi itself.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './paths.mjs';

const dist = join(packageRoot, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(packageRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('hashi build: tsc failed (see above)\n');
  process.exit(1);
}
cpSync(join(packageRoot, 'sim', 'native'), join(dist, 'sim', 'native'), { recursive: true });
process.stderr.write(`hashi build: ${dist}\n`);
