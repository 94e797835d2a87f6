// The naming transform's output: which declarations are wrapped, which are
// left alone, and that the result is deterministic and still valid code.
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { isHashiSpecifier, isNamingCandidatePath, mightImportHashi } from '../../dsl/naming/detect.ts';
import { transformNaming } from '../../dsl/naming/transform.ts';

const RT = '/rt/runtime.ts';
// Assembled so that this test file itself does not look like it imports hashi.
const HASHI = ['..', 'dsl', 'index.ts'].join('/');
const header = `import { UInt, Reg } from '${HASHI}';\n`;

function run(body: string, file = '/p/design.ts'): string | null {
  const out = transformNaming(header + body, file, { runtimeSpecifier: RT });
  return out ? out.code : null;
}

/** The transformed body (without the header line). */
function body(src: string): string {
  const out = run(src);
  if (out === null) throw new Error('expected the file to be transformed');
  return out.slice(out.indexOf('\n') + 1);
}

/** The body when only `src` (plus one wrapped marker) is present: checks skip cases. */
function unchanged(src: string): void {
  const marker = 'const marker = UInt(1);\n';
  expect(body(marker + src)).toBe('const marker = __hashi_name("marker", () => UInt(1));\n' + src);
}

describe('naming transform: wrapped', () => {
  it('wraps const and let with an initializer', () => {
    expect(body('const x = a.add(b);\nlet y = Reg(UInt(8));\n')).toBe(
      'const x = __hashi_name("x", () => a.add(b));\nlet y = __hashi_name("y", () => Reg(UInt(8)));\n',
    );
  });

  it('wraps each declarator of a list separately, skipping the literal ones', () => {
    expect(body('const p = f(), q = 3, r = g();\n')).toBe('const p = __hashi_name("p", () => f()), q = 3, r = __hashi_name("r", () => g());\n');
  });

  it('wraps class fields, including static and #private ones, and keeps type annotations', () => {
    const src = 'class A {\n  r: Reg = Reg(UInt(8));\n  static s = make();\n  #p = this.r.add(1);\n}\n';
    expect(body(src)).toBe(
      'class A {\n  r: Reg = __hashi_name("r", () => Reg(UInt(8)));\n  static s = __hashi_name("s", () => make());\n  #p = __hashi_name("p", () => this.r.add(1));\n}\n',
    );
  });

  it('parenthesizes initializers starting with `{` so the arrow body stays an expression', () => {
    expect(body('const io = { a: UInt(1) } as const;\nconst t = {}.toString();\n')).toBe(
      'const io = __hashi_name("io", () => ({ a: UInt(1) } as const));\nconst t = __hashi_name("t", () => ({}.toString()));\n',
    );
  });

  it('wraps nested declarations inside functions, methods, arrows and wrapped initializers', () => {
    const src = 'function f() { const y = g(); return y; }\nconst h = () => { let z = k(); };\nconst w = m(() => { const v = n(); return v; });\n';
    expect(body(src)).toBe(
      'function f() { const y = __hashi_name("y", () => g()); return y; }\n' +
        'const h = () => { let z = __hashi_name("z", () => k()); };\n' +
        'const w = __hashi_name("w", () => m(() => { const v = __hashi_name("v", () => n()); return v; }));\n',
    );
  });

  it('wraps template literals with substitutions, identifiers and non-null assertions', () => {
    expect(body('const t = `a${b}`;\nconst u = other;\nconst n = f()!;\n')).toBe(
      'const t = __hashi_name("t", () => `a${b}`);\nconst u = __hashi_name("u", () => other);\nconst n = __hashi_name("n", () => f()!);\n',
    );
  });

  it('wraps an initializer whose await is inside a nested async function', () => {
    expect(body('const u = y(async () => await z());\n')).toBe('const u = __hashi_name("u", () => y(async () => await z()));\n');
  });

  it('puts the import on line 1 without adding a line, and after a #! line', () => {
    const out = run('const x = f();\n')!;
    expect(out.split('\n')[0]).toBe(`import { __hashi_name } from "${RT}"; ${header.trimEnd()}`);
    expect(out.split('\n').length).toBe((header + 'const x = f();\n').split('\n').length);
    const shebang = transformNaming(`#!/usr/bin/env node\n${header}const x = f();\n`, '/p/d.ts', { runtimeSpecifier: RT })!.code;
    expect(shebang.split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env node', `import { __hashi_name } from "${RT}"; ${header.trimEnd()}`]);
  });
});

describe('naming transform: left alone', () => {
  it('skips literals', () => {
    unchanged("const a = 1, b = 'x', c = \"y\", d = `z`, e = true, f = false, g = null, h = undefined, i = -1, j = 10n, k = (2) as const;\n");
  });

  it('skips functions and classes', () => {
    unchanged('const f = () => g();\nconst h = function () { return 1; };\nconst K = class {};\nclass C { m = () => this; }\n');
  });

  it('skips initializers with await or yield at the top level of the expression', () => {
    unchanged('async function a() { const v = await x(); const w = f(await y()); }\nfunction* g() { const k = yield 1; }\nconst top = await load();\n');
  });

  it('skips initializers using arguments', () => {
    unchanged('function f() { const a = arguments[0]; const b = g(() => arguments.length); }\n');
  });

  it('skips destructuring, var, using, loop heads and uninitialized declarations', () => {
    unchanged('const [a, b] = pair();\nconst { c } = obj();\nvar v = f();\nlet u: number;\nfor (let i = start(); i < 3; i++) {}\nfor (const e of list()) {}\n');
  });

  it('skips declare and ambient contexts', () => {
    unchanged('declare const a: number;\ndeclare namespace N { const b = f(); }\ndeclare global { const c: number; }\nclass D { declare e: number; }\n');
  });

  it('skips computed and quoted field names and already wrapped initializers', () => {
    unchanged("class E { ['k'] = f(); 'q' = g(); }\nconst w = __hashi_name(\"w\", () => f());\n");
  });

  it('keeps the shape of vitest hoisting', () => {
    unchanged('const mocks = vi.hoisted(() => ({ f: 1 }));\n');
  });

  it('does not import __hashi_name a second time into a file that imports it', () => {
    const src = `import { __hashi_name } from '${RT}';\n${header}const a = __hashi_name("a", () => f());\nconst b = g();\n`;
    expect(transformNaming(src, '/p/d.ts', { runtimeSpecifier: RT })?.code).toBe(
      `import { __hashi_name } from '${RT}';\n${header}const a = __hashi_name("a", () => f());\nconst b = __hashi_name("b", () => g());\n`,
    );
  });

  it('leaves files that do not import hashi untouched, even if they mention it', () => {
    expect(transformNaming(`const s = "import x from '${HASHI}'";\nconst y = f();\n`, '/p/a.ts', { runtimeSpecifier: RT })).toBeNull();
    expect(transformNaming("import { f } from './util.ts';\nconst y = f();\n", '/p/b.ts')).toBeNull();
  });

  it('leaves files with syntax errors untouched (errors keep the original columns)', () => {
    expect(run('const x = f(;\nconst y = g();\n')).toBeNull();
  });

  it('leaves declaration files and files with nothing to name untouched', () => {
    expect(transformNaming(header + 'const x = f();\n', '/p/types.d.ts')).toBeNull();
    expect(run('const n = 3;\nexport {};\n')).toBeNull();
  });

  it('is idempotent: transformed output has nothing left to wrap', () => {
    const once = run('const x = f();\nclass A { r = g(); }\n')!;
    expect(transformNaming(once, '/p/design.ts', { runtimeSpecifier: RT })).toBeNull();
  });
});

describe('naming transform: determinism and validity', () => {
  const design =
    header +
    'export class Stage {\n  valid = Reg(UInt(1));\n  step(x: UInt) { const s = this.valid.add(x); return s; }\n}\n' +
    'export function block(a: UInt, b: UInt) {\n  const t0 = a.add(b);\n  const t1 = t0.gt(a) ? { v: t0 } : { v: b };\n  return t1;\n}\n';

  it('gives byte-identical output and map for identical input', () => {
    const a = transformNaming(design, '/p/design.ts', { runtimeSpecifier: RT })!;
    const b = transformNaming(String(design), '/p/design.ts', { runtimeSpecifier: RT })!;
    expect(a.code).toBe(b.code);
    expect(JSON.stringify(a.map)).toBe(JSON.stringify(b.map));
    expect(a.map.sources).toEqual(['design.ts']);
  });

  it('produces TypeScript that still parses', () => {
    const out = transformNaming(design, '/p/design.ts', { runtimeSpecifier: RT })!;
    expect(() => transformSync(out.code, { loader: 'ts', format: 'esm' })).not.toThrow();
    expect(out.code.match(/__hashi_name\(/g)?.length).toBe(4);
  });
});

describe('which files are candidates', () => {
  it('recognises hashi import specifiers', () => {
    expect(['hashi', '../dsl', 'x/dsl', '../../dsl/index.ts', './dsl/index.ts'].every(isHashiSpecifier)).toBe(true);
    expect(['hashi/x', '../dsl/util.ts', 'dslx', './index.ts'].some(isHashiSpecifier)).toBe(false);
  });

  it('pre-filters by a string check', () => {
    expect(mightImportHashi("import { a } from 'hashi';")).toBe(true);
    expect(mightImportHashi(`import { a } from "${HASHI}";`)).toBe(true);
    expect(mightImportHashi("import { a } from './lib.ts';\nconst hashi = 1;")).toBe(false);
    expect(mightImportHashi('const x = 1;')).toBe(false);
  });

  it('accepts .ts/.mts sources outside node_modules, not .d.ts', () => {
    expect(isNamingCandidatePath('/p/a.ts')).toBe(true);
    expect(isNamingCandidatePath('/p/a.mts?v=1')).toBe(true);
    expect(isNamingCandidatePath('file:///p/a.ts')).toBe(true);
    expect(isNamingCandidatePath('/p/a.d.ts')).toBe(false);
    expect(isNamingCandidatePath('/p/a.js')).toBe(false);
    expect(isNamingCandidatePath('/p/node_modules/x/a.ts')).toBe(false);
  });
});
