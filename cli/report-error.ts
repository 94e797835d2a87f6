// The one place where the CLI turns an error into what the user reads and the
// exit code: `file:line:col: what` plus `fix: ...`, never hashi's own stack.
import { CommanderError } from 'commander';
import { HashiError, ToolError } from '../dsl/index.ts';
import { isInputError, userFrame } from './input-error.ts';
import { UsageError } from './usage-error.ts';

/** The exit codes `hashi` documents in its --help. */
export const EXIT = {
  ok: 0,
  /** The design (or its parameters or weights) is wrong: fix the design file. */
  design: 1,
  /** The command line is wrong: unknown command or option, bad value, missing file. */
  usage: 2,
  /** An external tool (firtool, Verilator, the C++ compiler, Yosys) is missing or failed. */
  tool: 3,
  /** A bug in hashi itself. */
  internal: 4,
} as const;

export const exitCodeHelp = `
Exit codes:
  0  success
  1  design error: the design, its parameters or its weights are wrong (message names file:line)
  2  usage error: unknown command or option, bad option value, missing or unreadable file
  3  tool failure: firtool, Verilator, the C++ compiler or Yosys is missing or failed
  4  internal error: a bug in hashi (HASHI_DEBUG=1 prints its stack)`;

// Terminal escapes and other control characters in a message (a tensor or file
// name read from a file) are shown as \u001b-style text, never sent to the terminal.
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Problems with the -o folder the user gave: usage errors, not the design's. */
const OUTPUT_FOLDER_CODES = new Set(['bad-out-dir', 'output-in-the-way']);

function isToolFailure(err: Error): boolean {
  return err instanceof ToolError || err.name === 'SimBuildError';
}

/** The text to print for `err` (without the leading `error: `) and the exit code. */
export function describeError(err: unknown): { text: string; code: number } {
  if (err instanceof CommanderError) return { text: '', code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
  if (err instanceof UsageError) return { text: clean(err.message), code: EXIT.usage };
  if (err instanceof HashiError) return { text: clean(err.message), code: OUTPUT_FOLDER_CODES.has(err.code) ? EXIT.usage : EXIT.design };
  if (!(err instanceof Error)) return { text: `internal error: a non-Error value was thrown: ${clean(String(err))}`, code: EXIT.internal };
  if (isToolFailure(err)) return { text: clean(err.message), code: EXIT.tool };
  if (isInputError(err)) {
    const at = userFrame(err);
    const fix = /\bfix:/.test(err.message) ? '' : '\n  fix: correct the parameter, weight file or value named above';
    return { text: `${at ? `${at}: ` : ''}${clean(err.message)}${fix}`, code: EXIT.design };
  }
  const thrownAt = userFrame(err, true);
  if (thrownAt) {
    // Thrown from the user's own code (their design file), not from hashi.
    return { text: `${thrownAt}: ${err.name}: ${clean(err.message)}\n  fix: correct the code at that line (hashi was loading or elaborating your design when it threw)`, code: EXIT.design };
  }
  const debug = process.env.HASHI_DEBUG ? `\n${err.stack ?? ''}` : '\n  (HASHI_DEBUG=1 prints the stack)';
  return { text: `internal error in hashi: ${err.name}: ${clean(err.message)}\n  fix: this is a bug in hashi; please report it with the command you ran${debug}`, code: EXIT.internal };
}

/** Print `err` on stderr the one way every command does; returns the exit code. */
export function reportError(err: unknown): number {
  const { text, code } = describeError(err);
  if (text) console.error(`error: ${text}`);
  return code;
}
