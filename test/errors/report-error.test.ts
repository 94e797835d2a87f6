// The CLI's one error printer (cli/report-error.ts): each kind of error gets its
// documented exit code and a message without a stack; only a bug in hashi is
// called one, and terminal escapes never reach the terminal.
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT, describeError } from '../../cli/report-error.ts';
import { UsageError } from '../../cli/usage-error.ts';
import { HashiError, ToolError } from '../../dsl/index.ts';
import { SimBuildError } from '../../sim/index.ts';
import { expectNoStack } from './catalogue.ts';

/** An error whose stack says it was thrown at `file` (as Node would write it). */
function thrownAt(err: Error, file: string): Error {
  err.stack = `${err.name}: ${err.message}\n    at body (${file}:12:7)\n    at build (${process.cwd()}/dsl/module.ts:170:40)`;
  return err;
}

const cases: [string, unknown, number, RegExp][] = [
  ['help shown', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), EXIT.ok, /^$/],
  ['an unknown option', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), EXIT.usage, /^$/],
  ['a usage error', new UsageError('design file not found: x.ts'), EXIT.usage, /^design file not found: x\.ts$/],
  ['a design error', new HashiError('a problem', 'the fix', { file: 'd.ts', line: 3, col: 5, firrtl: '' }, 'code'), EXIT.design, /^d\.ts:3:5: a problem\n {2}fix: the fix$/],
  ['an output folder in the way', new HashiError('x would be overwritten', 'move it', undefined, 'output-in-the-way'), EXIT.usage, /would be overwritten/],
  ['a missing tool', new ToolError('firtool', 'firtool not found', 'run npm run bootstrap'), EXIT.tool, /^firtool not found\n {2}fix: run npm run bootstrap$/],
  ['a failed C++ build', new SimBuildError('hashi sim: link failed: undefined reference', ''), EXIT.tool, /link failed/],
  ['a generator refusing a parameter', thrownAt(new RangeError('blocks must be 1..17, got 40'), `${process.cwd()}/designs/mobilenetv2.ts`), EXIT.design, /^designs\/mobilenetv2\.ts:12:7: blocks must be 1\.\.17, got 40\n {2}fix: /],
  ['a weight file problem', Object.assign(new Error('header is not valid JSON'), { name: 'SafetensorsError' }), EXIT.design, /header is not valid JSON\n {2}fix: /],
  ['a TypeError in the user\'s own code', thrownAt(new TypeError("Cannot read properties of undefined (reading 'x')"), '/home/me/proj/top.ts'), EXIT.design, /^\/home\/me\/proj\/top\.ts:12:7: TypeError: Cannot read properties of undefined \(reading 'x'\)\n {2}fix: correct the code at that line/],
  ['a bug in hashi', thrownAt(new TypeError('x is not a function'), `${process.cwd()}/dsl/emit/firrtl.ts`), EXIT.internal, /^internal error in hashi: TypeError: x is not a function\n {2}fix: this is a bug in hashi/],
  ['a stack overflow inside hashi', thrownAt(new RangeError('Maximum call stack size exceeded'), `${process.cwd()}/dsl/checks/scopes.ts`), EXIT.internal, /^internal error in hashi: RangeError: Maximum call stack size exceeded/],
  ['a thrown string', 'oops', EXIT.internal, /non-Error value was thrown: oops/],
  ['terminal escapes in a message', new UsageError('unknown tensor \u001b[2J\u001b]0;x\u0007'), EXIT.usage, /unknown tensor \\u001b\[2J\\u001b\]0;x\\u0007/],
];

describe('misuse catalogue: how the CLI prints each kind of error', () => {
  for (const [what, err, code, text] of cases) {
    it(`${what}: exit ${code}`, () => {
      const d = describeError(err);
      expect(d.code).toBe(code);
      expect(d.text).toMatch(text);
      expectNoStack(d.text);
      expect(d.text).not.toMatch(/\u001b/);
    });
  }
});
