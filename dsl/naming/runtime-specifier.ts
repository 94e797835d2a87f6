// The module specifier that transformed files use to import `__hashi_name`:
// the absolute path of runtime.ts next to this file (works for Node's ESM
// loader, tsx and Vite alike). Computed from this module's own location.
// `.ts` in the source checkout, `.js` in the built package: the same extension as this file.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
export const runtimeSpecifier: string = fileURLToPath(new URL(`./runtime${extname(here)}`, import.meta.url)).split('\\').join('/');
