#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `hashi` command (a 64 MB young generation: elaborating
// large designs retains millions of small objects, and this cuts GC time by
// about 30 %): enable TypeScript loading for design
// files, then automatic naming (registered after tsx, so its hooks run first).
import { register } from 'tsx/esm/api';

// Output piped into `head` and the like: a closed pipe ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EPIPE') process.exit(0);
    throw e;
  });
}

register();
const { registerNamingLoader } = await import('../dsl/naming/register.ts');
registerNamingLoader();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
