#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `hashi` command (a 64 MB young generation: elaborating
// large designs retains millions of small objects, and this cuts GC time by
// about 30 %): enable TypeScript loading for design
// files, then automatic naming (registered after tsx, so its hooks run first).
// In hashi's checkout it runs the TypeScript sources; an installed package has
// only the compiled JavaScript in dist/ (see scripts/build-package.mjs).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// Output piped into `head` and the like: a closed pipe ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const fromSources = existsSync(new URL('./main.ts', import.meta.url));
const at = (/** @type {string} */ path) => new URL(fromSources ? `../${path}.ts` : `../dist/${path}.js`, import.meta.url).href;

register();
const { registerNamingLoader } = /** @type {typeof import('../dsl/naming/register.ts')} */ (await import(at('dsl/naming/register')));
registerNamingLoader();
const { reportError } = /** @type {typeof import('./report-error.ts')} */ (await import(at('cli/report-error')));
// A design's stray promise or timer that throws after its command returned is
// reported like any other error, not as a raw stack.
const late = (/** @type {unknown} */ err) => {
  process.exitCode = reportError(err);
  process.exit();
};
process.on('uncaughtException', late);
process.on('unhandledRejection', late);
const { main } = /** @type {typeof import('./main.ts')} */ (await import(at('cli/main')));
process.exitCode = await main(process.argv.slice(2));
