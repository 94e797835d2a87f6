// Shared by the misuse catalogue: the line a case marks in its own test file,
// and the checks every error message must pass (the user's file:line where one
// applies, what is wrong, a fix, and none of hashi's own stack frames).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { HashiError } from '../../dsl/index.ts';

export interface Marked {
  readonly here: string;
  lineOf(mark: string): number;
}

/** `lineOf('x')` is the line of the test file that ends in `// mark:x`. */
export function marks(fileUrl: string): Marked {
  const path = fileURLToPath(fileUrl);
  const source = readFileSync(path, 'utf8').split('\n');
  return {
    here: relative(process.cwd(), path),
    lineOf(mark: string): number {
      const i = source.findIndex((l) => l.trimEnd().endsWith(`// mark:${mark}`));
      if (i < 0) throw new Error(`no line marked ${mark}`);
      return i + 1;
    },
  };
}

/** Internal frames: hashi's own folders, node_modules, Node's internals. */
const INTERNAL_FRAME = /^\s+at .*(\/(dsl|sim|cli|lib)\/|node_modules|node:internal)/m;

/** A message a user reads: no stack frame at all, and none of hashi's own paths. */
export function expectNoStack(text: string): void {
  expect(text, 'a stack frame leaked into the message').not.toMatch(/^\s+at \S+ \(|^\s+at \/|^\s+at file:/m);
  expect(text).not.toMatch(INTERNAL_FRAME);
}

export interface DslCase {
  /** Family of misuse (for the counts in the report). */
  readonly family: string;
  readonly mark: string;
  /** The marked line the message must name, when several cases share one (default: `mark`). */
  readonly at?: string;
  readonly code: string;
  readonly message: RegExp;
  /** A pattern the message must not match (e.g. a fix that would be wrong). */
  readonly not?: RegExp;
  readonly run: () => unknown;
}

/** Runs a case: it must throw a HashiError with its code, at the marked line, with a fix and no stack. */
export function expectMisuse(c: DslCase, m: Marked): void {
  let error: unknown;
  try {
    c.run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a HashiError, got ${String(error)}`).toBeInstanceOf(HashiError);
  const e = error as HashiError;
  expect(e.message).toMatch(c.message);
  expect(e.code).toBe(c.code);
  if (c.not) expect(e.message).not.toMatch(c.not);
  expect(e.message).toMatch(/\n {2}fix: \S/);
  expect(e.message.startsWith(`${m.here}:${m.lineOf(c.at ?? c.mark)}:`), e.message).toBe(true);
  expectNoStack(e.message);
  // A test runner prints the stack: it must lead to the user's line, not into hashi.
  expect(e.stack ?? '').not.toMatch(INTERNAL_FRAME);
}
