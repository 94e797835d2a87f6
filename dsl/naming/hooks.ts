// Node ESM loader hooks (registered with module.register, after tsx so they
// run first): `.ts` files that import hashi get the naming transform, then
// esbuild strips their types; everything else goes on to the next loader.
import { readFile } from 'node:fs/promises';
import type { LoadHook, ResolveHook } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageEntries } from '../../scripts/paths.mjs';
import { transformOrWarn } from './fallback.ts';
import { isNamingCandidatePath, mightImportHashi } from './detect.ts';
import { stripTypes } from './strip-types.ts';

// `hashi` and `hashi/*` in a design resolve to the hashi running this command
// (sources in its checkout, dist/ when installed), so there is one copy of the
// language in the process even for a global or path-linked install.
const fromSources = extname(fileURLToPath(import.meta.url)) === '.ts';
const entries = packageEntries(fromSources);

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  const hit = entries.get(specifier);
  return hit ? { url: hit, shortCircuit: true, format: 'module' } : nextResolve(specifier, context);
};

// hashi's own command line builds no hardware: its statements must not become
// the locators of a design it loads.
const ownCli = new URL('../../cli/', import.meta.url).href;

export const load: LoadHook = async (url, context, nextLoad) => {
  // A design that imports hashi is an ES module even where package.json says CommonJS
  // (a lone file in /tmp, say): hashi itself is ESM-only.
  if (!url.startsWith('file:') || !isNamingCandidatePath(url) || url.startsWith(ownCli)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch {
    return nextLoad(url, context); // let the next loader report it
  }
  if (!mightImportHashi(source)) return nextLoad(url, context);
  const named = await transformOrWarn(source, path);
  if (!named) return nextLoad(url, { ...context, format: 'module' }); // nothing to name, still an ES module
  let js: string;
  try {
    js = await stripTypes(named, path);
  } catch (e) {
    // Let tsx compile the original: its errors point at the user's columns.
    const loaded = await nextLoad(url, context);
    process.emitWarning(`automatic naming skipped for ${path}: ${e instanceof Error ? e.message : String(e)}`, 'HashiNamingWarning');
    return loaded;
  }
  return { format: 'module', source: js, shortCircuit: true };
};
