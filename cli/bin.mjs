#!/usr/bin/env node
// Entry point of the `hashi` command: enable TypeScript loading for design
// files, then hand over to the CLI proper.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
