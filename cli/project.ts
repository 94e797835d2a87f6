import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hashi checkout (where bench/, designs/ and tools/ live). */
export const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
