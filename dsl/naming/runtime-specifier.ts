// The module specifier that transformed files use to import `__hashi_name`:
// the absolute path of runtime.ts next to this file (works for Node's ESM
// loader, tsx and Vite alike). Computed from this module's own location.
import { fileURLToPath } from 'node:url';

export const runtimeSpecifier: string = fileURLToPath(new URL('./runtime.ts', import.meta.url)).split('\\').join('/');
