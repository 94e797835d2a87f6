// Loading a user's design file and choosing the module to elaborate.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { HashiError } from '../dsl/index.ts';
import { setCurrentLocator } from '../dsl/locator.ts';
import { pathToFileURL } from 'node:url';
import { choiceList, describeParam, isChoice, isModuleDef, isOneOf, paramLeaves } from '../dsl/index.ts';
import type { Choice, ModuleDef, ParamSpec, Params, ParamsInput, SourceLoc } from '../dsl/index.ts';
import { UsageError } from './usage-error.ts';

export async function loadDesign(file: string, top: string | undefined): Promise<ModuleDef> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`design file not found: ${file}`);
  if (statSync(path).isDirectory()) throw new UsageError(`${file} is a folder; give the design's .ts file (e.g. ${file.replace(/\/$/, '')}/top.ts)`);
  let mod: { readonly [name: string]: unknown };
  try {
    // This file's own statement locator must not stand for the design's lines
    // (a design with nothing to name sets none of its own).
    setCurrentLocator(undefined);
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    throw loadError(e, path);
  }
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

/** Parameters as the command line gives them: `fe.blocks=3` sets `blocks` in the group `fe`. */
interface ParamGroup {
  [key: string]: number | boolean | string | ParamGroup;
}

/** `key=value` pairs (`fe.blocks=3` for a parameter in a group), each value typed like the parameter's default. */
export function parseParams(def: ModuleDef, pairs: readonly string[]): ParamsInput<Params> {
  const leaves = paramLeaves((def.spec.params ?? def.defaults) as ParamSpec);
  const listing = (): string => (leaves.length ? `the parameters are: ${leaves.map((l) => `${l.path} (${describeParam(l.spec)})`).join(', ')}` : 'this module takes none');
  const out: ParamGroup = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    const leaf = leaves.find((l) => l.path === key);
    if (!leaf) {
      const members = leaves.filter((l) => l.path.startsWith(`${key}.`)).map((l) => l.path);
      if (members.length) throw new UsageError(`parameter '${key}' is a group; set its members one by one, e.g. --param ${members[0]}=...; they are: ${members.join(', ')}`);
      throw new UsageError(`unknown parameter '${key}'; ${listing()}`);
    }
    const path = key.split('.');
    let group = out;
    for (const part of path.slice(0, -1)) {
      const next = group[part];
      if (typeof next === 'object') group = next;
      else group = group[part] = {};
    }
    group[path[path.length - 1]!] = coerce(key, text, leaf.spec);
  }
  return out;
}

function coerce(key: string, text: string, like: number | boolean | string | Choice): number | boolean | string {
  if (isChoice(like)) {
    if (!isOneOf(like, text)) throw new UsageError(`parameter '${key}' is one of ${choiceList(like)}; got '${text}'`);
    return text;
  }
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

/**
 * Why a design file did not load, at its line: a syntax error, an import that
 * does not resolve or names nothing. Anything the file's own code threw while
 * loading is passed on as it is (the CLI locates it).
 */
function loadError(e: unknown, path: string): unknown {
  if (e instanceof HashiError || !(e instanceof Error)) return e;
  const shown = (f: string): string => (relative(process.cwd(), f).startsWith('..') ? f : relative(process.cwd(), f));
  const at = (f: string, line: number, col: number): SourceLoc => {
    const file = shown(f);
    return { file, line, col, firrtl: '' };
  };
  const syntax = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(e.message);
  if (syntax) return new HashiError(`syntax error: ${syntax[4]}`, 'correct the TypeScript there', at(syntax[1]!, Number(syntax[2]), Number(syntax[3]) + 1), 'design-syntax'); // esbuild counts columns from 0
  const notFound = /Cannot find (?:module|package) '([^']+)' imported from (\S+)/.exec(e.message);
  if (notFound) {
    const from = notFound[2]!.replace(/^file:\/\//, '');
    const wanted = notFound[1]!;
    const rel = relative(dirname(from), wanted);
    const spec = !wanted.startsWith('/') ? wanted : rel.startsWith('..') ? rel : `./${rel}`;
    return new HashiError(`cannot import '${spec}': no such file or package`, 'check the path (relative imports start with ./ and end in .ts) or install the package', importLine(from, spec.replace(/^(\.\.?\/)+/, '').replace(/\.ts$/, ''), at), 'design-import');
  }
  const noExport = /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(e.message);
  if (noExport) {
    return new HashiError(`'${noExport[1]}' has no export named '${noExport[2]}'`, `check the spelling of '${noExport[2]}' against what that module exports`, importLine(path, noExport[2]!, at), 'design-import');
  }
  if (/Cannot require\(\) ES Module .* in a cycle|ERR_REQUIRE_CYCLE_MODULE/.test(e.message)) {
    // Node hides the real cause for a file outside an ES-module package: look for it.
    const found = diagnose(path, at);
    if (found) return found;
    return new HashiError(`${shown(path)} could not be loaded as an ES module`, 'put the design in a folder whose package.json has "type": "module" (the hashi checkout has one), or name it .mts', undefined, 'design-load');
  }
  return e;
}

type At = (f: string, line: number, col: number) => SourceLoc;

/** The line that imports `name` (the first line mentioning it inside an import), if any. */
function importLine(file: string, name: string, at: At): SourceLoc | undefined {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const i = lines.findIndex((l) => /\bimport\b|\bfrom\b/.test(l) && l.includes(name));
  return i < 0 ? undefined : at(file, i + 1, lines[i]!.indexOf(name) + 1);
}

/** A syntax error or a relative import of a missing file in `path`, if that is why it failed. */
function diagnose(path: string, at: At): HashiError | undefined {
  const text = readFileSync(path, 'utf8');
  try {
    transformSync(text, { loader: 'ts', sourcefile: path });
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (first) return new HashiError(`syntax error: ${first.text}`, 'correct the TypeScript there', first.location ? at(path, first.location.line, first.location.column + 1) : undefined, 'design-syntax');
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(/\bfrom\s+['"](\.\.?\/[^'"]+)['"]/g)) {
      if (!existsSync(resolve(dirname(path), m[1]!))) {
        return new HashiError(`cannot import '${m[1]}': no such file`, 'check the path (relative imports start with ./ and end in .ts)', at(path, i + 1, (m.index ?? 0) + 1), 'design-import');
      }
    }
  }
  return undefined;
}
