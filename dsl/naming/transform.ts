// Automatic naming, the source transform: `const x = EXPR` becomes
// `const x = __hashi_name("x", () => EXPR)` (likewise class fields), in files
// that import hashi. One read-only parse and walk, then one splice.
import { basename } from 'node:path';
import { ts } from 'ts-morph';
import { planNaming } from './collect.ts';
import { mightImportHashi } from './detect.ts';
import { runtimeSpecifier as defaultRuntimeSpecifier } from './runtime-specifier.ts';
import { splicePlan } from './splice.ts';
import type { SpliceResult } from './splice.ts';

export interface NamingTransformOptions {
  /** Module specifier of runtime.ts in the output (default: its absolute path). */
  runtimeSpecifier?: string;
  /** Also set a source locator before each statement (what the loaders do; fast and exact per statement). */
  locators?: boolean;
}

/**
 * The transformed text and its source map (whose single source is the file's
 * base name), or null when the file is left as it is: it does not import
 * hashi, is a declaration file, has syntax errors, or has nothing to name.
 */
export function transformNaming(code: string, fileName: string, opts: NamingTransformOptions = {}): SpliceResult | null {
  if (/\.d\.m?ts$/.test(fileName) || !mightImportHashi(code)) return null;
  // No parent pointers and no JSDoc: the walk needs neither, and both cost parse time.
  const parseOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  const sf = ts.createSourceFile(fileName, code, parseOptions, false, ts.ScriptKind.TS);
  // A file that does not parse is left as it is, so the errors the next tool
  // reports carry the user's own columns. (`parseDiagnostics` is internal to
  // TypeScript but has been there for years; without it we just go on.)
  const parseErrors = (sf as unknown as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics;
  if (parseErrors && parseErrors.length > 0) return null;
  const plan = planNaming(sf, opts.locators ?? false);
  if (!plan.importsHashi || (plan.wraps.length === 0 && plan.sites.length === 0)) return null;
  return splicePlan(code, plan, opts.runtimeSpecifier ?? defaultRuntimeSpecifier, basename(fileName));
}
