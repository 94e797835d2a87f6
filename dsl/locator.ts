// Source locators: the user's file:line:col for each piece of hardware, found by
// walking the JS stack past hashi's own frames. Stack formatting goes through
// Node's source-map support, so positions are those of the TypeScript source.
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A place in the user's TypeScript (file, line, column), as FIRRTL locators carry it. */
export interface SourceLoc {
  readonly file: string; // relative to the project root when inside it
  readonly line: number;
  readonly col: number;
  /** The FIRRTL locator text, ` @[file line:col]`, made once per location. */
  readonly firrtl: string;
}

export function makeLoc(file: string, line: number, col: number): SourceLoc {
  return { file, line, col, firrtl: ` @[${file} ${line}:${col}]` };
}

const dslDir = dirname(fileURLToPath(import.meta.url)) + sep;
// The CLI's entry point imports designs; a module hashi defines for itself (e.g.
// dsl's Queue) would otherwise be located at that import.
const cliDir = join(dirname(dslDir), 'cli') + sep;
let projectRoot = process.cwd();

/** Locators are written relative to this folder (default: the working directory). */
export function setProjectRoot(dir: string): void {
  projectRoot = dir;
}

const frame = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

function toPath(file: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}

function isInternal(path: string): boolean {
  return path.startsWith(dslDir) || path.startsWith(cliDir) || path.startsWith('node:') || path.includes(`${sep}node_modules${sep}`) || !isAbsolute(path);
}

// Set by transformed code before each statement (see naming/runtime.ts); when
// present it is the locator, with no stack walk at all.
let current: SourceLoc | undefined;

export function setCurrentLocator(loc: SourceLoc | undefined): void {
  current = loc;
}

/** Run `fn` (e.g. a child module's body) and then put back the caller's statement locator. */
export function keepingLocator<T>(fn: () => T): T {
  const saved = current;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** Locators for a transformed file's sites, from its URL and flat [line, col, ...] pairs. */
export function locatorTable(fileUrl: string, pairs: readonly number[]): SourceLoc[] {
  const path = toPath(fileUrl);
  const rel = relative(projectRoot, path);
  const file = rel.startsWith('..') ? path : rel.split(sep).join('/');
  const out: SourceLoc[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) out.push(makeLoc(file, pairs[i]!, pairs[i + 1]!));
  return out;
}

/** The user's current statement (transformed code), else the first stack frame outside hashi's dsl/ and node_modules. */
export function captureLocator(): SourceLoc | undefined {
  if (current) return current;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16; // enough to get past hashi's own frames
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = frame.exec(lines[i]!.trim());
    if (!m) continue;
    const path = toPath(m[1]!);
    if (isInternal(path)) continue;
    const rel = relative(projectRoot, path);
    const file = rel.startsWith('..') ? path : rel.split(sep).join('/');
    return makeLoc(file, Number(m[2]), Number(m[3]));
  }
  return undefined;
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** FIRRTL's locator syntax: ` @[file line:col]` (empty without a location). */
export function firrtlLoc(loc: SourceLoc | undefined): string {
  return loc ? loc.firrtl : '';
}
