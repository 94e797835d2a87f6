#!/usr/bin/env node
// Entry point of the `hashi` command: enable TypeScript loading for design
// files, then automatic naming (registered after tsx, so its hooks run first).
import { register } from 'tsx/esm/api';

register();
const { registerNamingLoader } = await import('../dsl/naming/register.ts');
registerNamingLoader();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
