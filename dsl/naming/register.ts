// Turn on automatic naming for design files loaded by this process. Call it
// after tsx's `register()` (this module and the hooks are TypeScript, and hooks
// registered later run first) and before importing any design.
import { register } from 'node:module';

export function registerNamingLoader(): void {
  process.setSourceMapsEnabled(true);
  register(new URL('./hooks.ts', import.meta.url).href);
}
