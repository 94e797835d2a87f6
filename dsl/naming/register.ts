// Turn on automatic naming for design files loaded by this process. Call it
// after tsx's `register()` (this module and the hooks are TypeScript, and hooks
// registered later run first) and before importing any design.
import { register } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function registerNamingLoader(): void {
  process.setSourceMapsEnabled(true);
  // hooks.ts in the source checkout, hooks.js in the built package.
  register(new URL(`./hooks${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href);
}
