// Loading a user's design file and choosing the module to elaborate.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModuleDef } from '../dsl/index.ts';
import type { ModuleDef, Params, ParamValue } from '../dsl/index.ts';
import { UsageError } from './usage-error.ts';

export async function loadDesign(file: string, top: string | undefined): Promise<ModuleDef> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`design file not found: ${file}`);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const defs = Object.entries(mod).filter((e): e is [string, ModuleDef] => isModuleDef(e[1]));
  const unique = [...new Map(defs.map(([k, d]) => [d, k])).entries()];
  const label = (d: ModuleDef, exportName: string): string => (typeof d.spec.name === 'string' ? d.spec.name : exportName);
  if (unique.length === 0) {
    throw new UsageError(`${file} exports no module; export the result of defineModule(...) (as default or by name)`);
  }
  if (top) {
    const hit = unique.find(([d, k]) => k === top || label(d, k) === top);
    if (!hit) throw new UsageError(`${file} has no module '${top}'; it exports: ${unique.map(([d, k]) => label(d, k)).join(', ')}`);
    return hit[0];
  }
  const dflt = mod.default;
  if (isModuleDef(dflt)) return dflt;
  if (unique.length === 1) return unique[0]![0];
  throw new UsageError(`${file} exports several modules (${unique.map(([d, k]) => label(d, k)).join(', ')}); choose one with --top NAME`);
}

/** `key=value` pairs, each value typed like the parameter's default. */
export function parseParams(def: ModuleDef, pairs: readonly string[]): Partial<Params> {
  const out: Record<string, ParamValue> = Object.create(null) as Record<string, ParamValue>;
  const known = Object.keys(def.defaults);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    if (!Object.hasOwn(def.defaults, key)) {
      throw new UsageError(`unknown parameter '${key}'; ${known.length ? `the parameters are: ${known.map((k) => `${k} (default ${JSON.stringify(def.defaults[k])})`).join(', ')}` : 'this module takes none'}`);
    }
    out[key] = coerce(key, text, def.defaults[key]!);
  }
  return out;
}

function coerce(key: string, text: string, like: ParamValue): ParamValue {
  if (typeof like === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`parameter '${key}' is a number; '${text}' is not`);
    return n;
  }
  if (typeof like === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`parameter '${key}' is true or false; got '${text}'`);
    return text === 'true';
  }
  return text;
}
