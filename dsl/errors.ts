import { isAbsolute, resolve } from 'node:path';
import type { SourceLoc } from './locator.ts';
import { formatLoc } from './locator.ts';

/**
 * The one error family hashi throws for a user's mistake. The message names the
 * user's file:line, says what is wrong and how to fix it.
 */
export class HashiError extends Error {
  override readonly name = 'HashiError';
  constructor(
    readonly problem: string,
    readonly hint: string,
    readonly loc: SourceLoc | undefined,
    readonly code: string,
  ) {
    super(`${loc ? `${formatLoc(loc)}: ` : ''}${problem}\n  fix: ${hint}`);
    this.stack = userStack(this, loc);
  }
}

/**
 * An external tool (firtool, Verilator, a C++ compiler, Yosys) is missing or
 * failed for a reason that is not the design's: the CLI exits with its own code.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${problem}\n  fix: ${hint}`);
    this.stack = userStack(this, undefined);
  }
}

// The stack a test runner prints: the user's line only, never hashi's own frames.
function userStack(err: Error, loc: SourceLoc | undefined): string {
  const at = loc ? `\n    at ${isAbsolute(loc.file) ? loc.file : resolve(loc.file)}:${loc.line}:${loc.col}` : '';
  return `${err.name}: ${err.message}${at}`;
}

/**
 * Text from a file (a tensor name, a module name in a netlist) made safe to
 * print: terminal escape sequences and other control characters shown as
 * \u001b-style escapes, and very long text cut.
 */
export function printable(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}... (${safe.length} characters)` : safe;
}
