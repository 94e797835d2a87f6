// The misuse catalogue, command-line part: `hashi` run as a user runs it, with
// bad designs, options, tools, output folders and weight files. Every error is
// `error: [file:line:col: ]what` + `fix: ...` on stderr, never a stack, with the
// documented exit code (1 design, 2 usage, 3 tool failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomMobileNetV2StateDict, writeSafetensorsFile } from '../../lib/index.ts';
import { expectNoStack } from './catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'hashi-cli-misuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dsl = resolve('dsl/index.ts');

function hashi(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A design file in the temp folder; `lines` after the import line. */
function designFile(name: string, ...lines: string[]): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, [`import { defineModule, IO, Input, Output, UInt, instance } from '${dsl}';`, ...lines, ''].join('\n'));
  return file;
}

interface CliCase {
  readonly family: string;
  readonly name: string;
  readonly args: () => string[];
  readonly env?: Record<string, string>;
  readonly exit: 1 | 2 | 3;
  /** What stderr must say; with a location, it must lead: `error: file:line:col: `. */
  readonly message: RegExp;
  readonly at?: () => string;
}

const out = () => join(dir, 'out');

const cases: CliCase[] = [
  // The design file itself (--no-typecheck: these are the loader's and the
// language's errors; the type check that runs first has its own tests).
  { family: 'design file', name: 'syntax error', args: () => ['emit', '--no-typecheck', designFile('syntax', "export default defineModule({ name: 'X', body: () => { const a = ; } });")], exit: 1, message: /syntax error: Unexpected ";"/, at: () => `${join(dir, 'syntax.ts')}:2:66` },
  { family: 'design file', name: 'import of a missing file', args: () => ['emit', '--no-typecheck', designFile('missing', "import { helper } from './helpers.ts';", "export default defineModule({ name: 'X', body: () => helper() });")], exit: 1, message: /cannot import '\.\/helpers\.ts'/, at: () => `${join(dir, 'missing.ts')}:2:` },
  { family: 'design file', name: 'import of a name hashi does not export', args: () => ['emit', '--no-typecheck', designFile('noexport', `import { Nope } from '${dsl}';`, "export default defineModule({ name: 'X', body: () => Nope() });")], exit: 1, message: /has no export named 'Nope'/, at: () => `${join(dir, 'noexport.ts')}:2:` },
  { family: 'design file', name: 'a throw at the top level', args: () => ['emit', '--no-typecheck', designFile('toplevel', 'const table: number[] | undefined = undefined;', 'export const n = table!.length;', "export default defineModule({ name: 'X', body: () => {} });")], exit: 1, message: /TypeError: Cannot read properties of undefined \(reading 'length'\)/, at: () => `${join(dir, 'toplevel.ts')}:3:` },
  { family: 'design file', name: 'a body that throws', args: () => ['emit', '--no-typecheck', designFile('bodythrow', "export default defineModule({ name: 'X', body: () => { throw new Error('not yet written'); } });")], exit: 1, message: /Error: not yet written/, at: () => `${join(dir, 'bodythrow.ts')}:2:` },
  { family: 'design file', name: 'hardware compared with ==', args: () => ['emit', '--no-typecheck', designFile('eq', "export default defineModule({ name: 'X', body: () => { const io = IO({ a: Input(UInt(4)), o: Output(UInt(1)) }); io.o.connect((io.a as unknown as number) == 3 ? 1 : 0); } });"), '-o', out()], exit: 1, message: /was used as a JavaScript number[\s\S]*\.eq/, at: () => `${join(dir, 'eq.ts')}:2:` },
  { family: 'design file', name: 'a module that instantiates itself', args: () => ['emit', '--no-typecheck', designFile('self', "const Self: ReturnType<typeof defineModule> = defineModule({ name: 'Self', body: () => { instance(Self); } });", 'export default Self;'), '-o', out()], exit: 1, message: /module 'Self' instantiates itself/, at: () => `${join(dir, 'self.ts')}:2:` },
  { family: 'design file', name: 'a module name with a dash', args: () => ['emit', '--no-typecheck', designFile('dash', "export default defineModule({ name: 'my-adder', body: () => {} });"), '-o', out()], exit: 1, message: /"my-adder" is not a plain identifier/, at: () => `${join(dir, 'dash.ts')}:2:` },
  { family: 'design file', name: 'a file that exports no module', args: () => ['emit', '--no-typecheck', designFile('nothing', 'export const x = 1;')], exit: 2, message: /exports no module/ },
  { family: 'design file', name: 'a folder instead of a file', args: () => ['emit', dir], exit: 2, message: /is a folder; give the design's \.ts file/ },
  { family: 'design file', name: 'no such file', args: () => ['emit', join(dir, 'nope.ts')], exit: 2, message: /design file not found/ },

  // Options.
  { family: 'options', name: '--param __proto__', args: () => ['emit', 'designs/counter.ts', '--param', '__proto__=1', '-o', out()], exit: 2, message: /unknown parameter '__proto__'; the parameters are: width/ },
  { family: 'options', name: '--param constructor', args: () => ['emit', 'designs/counter.ts', '--param', 'constructor=1', '-o', out()], exit: 2, message: /unknown parameter 'constructor'/ },
  { family: 'options', name: '--param with a non-number', args: () => ['emit', 'designs/counter.ts', '--param', 'width=wide', '-o', out()], exit: 2, message: /parameter 'width' is a number; 'wide' is not/ },
  { family: 'options', name: '--param without =', args: () => ['emit', 'designs/counter.ts', '--param', 'width', '-o', out()], exit: 2, message: /--param expects key=value/ },
  { family: 'options', name: 'an unknown option', args: () => ['emit', 'designs/counter.ts', '--bogus'], exit: 2, message: /unknown option '--bogus'/ },
  { family: 'options', name: 'an unknown command', args: () => ['emitt', 'designs/counter.ts'], exit: 2, message: /unknown command 'emitt'/ },
  { family: 'options', name: 'a missing argument', args: () => ['emit'], exit: 2, message: /missing required argument/ },
  { family: 'options', name: '--top naming nothing', args: () => ['emit', 'designs/counter.ts', '--top', 'Nope'], exit: 2, message: /has no module 'Nope'/ },
  { family: 'options', name: 'demo --images not a number', args: () => ['demo', '--images', 'abc', '-o', out()], exit: 2, message: /--images must be a positive integer, got 'abc'/ },

  // Output folder and tools.
  { family: 'output and tools', name: '-o below a file', args: () => { writeFileSync(join(dir, 'afile'), ''); return ['emit', 'designs/counter.ts', '-o', join(dir, 'afile', 'sub')]; }, exit: 2, message: /cannot use '.*afile\/sub' as the output folder: a file is in the way/ },
  { family: 'output and tools', name: 'HASHI_FIRTOOL pointing nowhere', args: () => ['emit', 'designs/counter.ts', '-o', out()], env: { HASHI_FIRTOOL: '/no/such/firtool' }, exit: 3, message: /firtool not found at HASHI_FIRTOOL=\/no\/such\/firtool/ },
  { family: 'output and tools', name: 'HASHI_FIRTOOL pointing at another program', args: () => ['emit', 'designs/counter.ts', '-o', out()], env: { HASHI_FIRTOOL: '/bin/true' }, exit: 3, message: /\/bin\/true does not run as firtool/ },
  { family: 'output and tools', name: 'HASHI_FIRTOOL pointing at a folder', args: () => ['emit', 'designs/counter.ts', '-o', out()], env: { HASHI_FIRTOOL: '/tmp' }, exit: 3, message: /\/tmp does not run as firtool/ },
];

// Weight files given to a design: malformed, hostile or misnamed.
function safetensors(name: string, header: string, data = Buffer.alloc(0)): string {
  const file = join(dir, `${name}.safetensors`);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(header)));
  writeFileSync(file, Buffer.concat([len, Buffer.from(header), data]));
  return file;
}
const withWeights = (file: () => string) => () => ['emit', 'designs/hashiflex.ts', '--param', `fe.weights=${file()}`, '--param', 'fe.resolution=8', '--param', 'fe.blocks=1', '-o', out()];
function renamedDict(name: string, rename: (k: string) => string, extra?: string): string {
  const dict = randomMobileNetV2StateDict({ alpha: 0.35, resolution: 8, classes: 10, seed: 1 });
  const renamed = new Map([...dict].map(([k, v]) => [rename(k), v]));
  if (extra) renamed.set(extra, dict.get('classifier.1.bias')!);
  const file = join(dir, `${name}.safetensors`);
  writeSafetensorsFile(file, renamed);
  return file;
}
cases.push(
  { family: 'weight files', name: 'a file shorter than its header length', args: withWeights(() => {
    writeFileSync(join(dir, 'tiny.safetensors'), Buffer.alloc(5));
    return join(dir, 'tiny.safetensors');
  }), exit: 1, message: /file is 5 bytes, too short/ },
  { family: 'weight files', name: 'a header that is not JSON', args: withWeights(() => safetensors('notjson', '{"a": [1, 2')), exit: 1, message: /header is not valid JSON/ },
  { family: 'weight files', name: 'a header nested 100000 deep', args: withWeights(() => safetensors('deep', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)), exit: 1, message: /header nests over 10000 levels deep; a safetensors header needs 8 at most/ },
  { family: 'weight files', name: 'a tensor whose offsets run past the data', args: withWeights(() => safetensors('offsets', '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', Buffer.alloc(8))), exit: 1, message: /tensor 'w': data_offsets \[0,16\] run past the end of the data buffer/ },
  { family: 'weight files', name: "a tensor name with terminal escapes", args: withWeights(() => safetensors('escapes', '{"\\u001b[2J\\u001b[31mevil":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"XX","shape":[1],"data_offsets":[4,8]}}', Buffer.alloc(8))), exit: 1, message: /\\u001b\[2J\\u001b\[31mevil|unknown dtype 'XX'/ },
  { family: 'weight files', name: "every key prefixed with 'module.'", args: withWeights(() => renamedDict('prefixed', (k) => `module.${k}`)), exit: 1, message: /1 problem:\n {2}every tensor name starts with 'module\.'/ },
  { family: 'weight files', name: 'an extra tensor named with escapes', args: withWeights(() => renamedDict('extra', (k) => k, '\u001b]0;pwned\u0007')), exit: 1, message: /unexpected tensor '\\u001b\]0;pwned\\u0007'/ },
  { family: 'weight files', name: 'thousands of wrong names are cut to a list of 20', args: withWeights(() => renamedDict('wrongnames', (k) => `net.${k.replace(/\./g, '_')}`)), exit: 1, message: /\.\.\. and \d+ more/ },
);

describe('misuse catalogue: the command line', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) {
    it(`${c.family}: ${c.name} (exit ${c.exit})`, () => {
      const r = hashi(c.args(), c.env);
      expect(r.status, r.stderr).toBe(c.exit);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(c.message);
      if (c.at) expect(r.stderr.startsWith(`error: ${c.at()}`), r.stderr).toBe(true);
      if (c.exit !== 2) expect(r.stderr).toMatch(/\n {2}fix: \S/);
      expectNoStack(r.stderr);
      expect(r.stderr, 'a raw terminal escape reached the terminal').not.toMatch(/\u001b/);
      expect(r.stderr.split('\n').length, 'the message is a few lines (or the usage), not thousands').toBeLessThan(80);
    });
  }
});

describe('hashi emit keeps what it did not write', () => {
  it('a hand-written file in sv/ survives a second emit; one in the way of a new file stops the run and stays', () => {
    const o = join(dir, 'keep');
    expect(hashi(['emit', 'designs/counter.ts', '-o', o]).status).toBe(0);
    writeFileSync(join(o, 'sv', 'BlackBox.v'), 'module BlackBox; endmodule\n');
    const again = hashi(['emit', 'designs/counter.ts', '--param', 'width=6', '-o', o]);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(o, 'sv', 'BlackBox.v'), 'utf8')).toBe('module BlackBox; endmodule\n');
    expect(readFileSync(join(o, 'sv', 'Counter.sv'), 'utf8')).toMatch(/output \[5:0\] count/);

    const mine = join(dir, 'mine');
    mkdirSync(join(mine, 'sv'), { recursive: true });
    writeFileSync(join(mine, 'sv', 'Counter.sv'), '// my own counter\n');
    const refused = hashi(['emit', 'designs/counter.ts', '-o', mine]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Counter\.sv would be overwritten, but hashi did not write it\n {2}fix: /);
    expect(readFileSync(join(mine, 'sv', 'Counter.sv'), 'utf8')).toBe('// my own counter\n');
    expect(existsSync(join(mine, 'sv', '.hashi-written'))).toBe(false);
  });

  it('says so in --help, with the exit codes', () => {
    const help = hashi(['emit', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Files there that hashi did not write are never removed or overwritten/);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*1 {2}design error[\s\S]*2 {2}usage error[\s\S]*3 {2}tool failure/);
  });
});
