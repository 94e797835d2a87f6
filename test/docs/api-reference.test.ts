// The API reference (typedoc, from the doc comments; `npm run docs:api` writes
// it as HTML to build/api) covers the whole language: every export of
// dsl/index.ts is documented, and every operation on values, plus the literals
// U/S/B and mux, states its width rule ("Width: ...") and has an @example.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface CommentPart {
  text: string;
}
interface Comment {
  summary?: CommentPart[];
  blockTags?: { tag: string; content: CommentPart[] }[];
}
interface Reflection {
  name: string;
  kind: number;
  comment?: Comment;
  signatures?: Reflection[];
  getSignature?: Reflection;
  children?: Reflection[];
  flags?: { isPrivate?: boolean; isProtected?: boolean };
}

const KIND = { class: 128, method: 2048, accessor: 262144 };
const text = (parts: CommentPart[] | undefined): string => (parts ?? []).map((p) => p.text).join('').trim();
const comments = (r: Reflection): Comment[] => [r.comment, ...(r.signatures ?? []).map((s) => s.comment), r.getSignature?.comment].filter((c): c is Comment => !!c);
const summary = (r: Reflection): string => comments(r).map((c) => text(c.summary)).join(' ').trim();
const example = (r: Reflection): string => comments(r).flatMap((c) => (c.blockTags ?? []).filter((t) => t.tag === '@example').map((t) => text(t.content))).join('\n');

// Members every value inherits that are not operations.
const notOperations = new Set(['valueOf', 'toString', 'toJSON', '[toPrimitive]', 'named', 'connect', 'type', 'width', 'constructor']);

let work: string;
let project: Reflection;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hashi-api-'));
  const typedoc = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');
  const out = join(work, 'api.json');
  const r = spawnSync(process.execPath, [typedoc, '--json', out, '--logLevel', 'Error'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`typedoc failed:\n${r.stdout}${r.stderr}`);
  project = JSON.parse(readFileSync(out, 'utf8')) as Reflection;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('API reference (typedoc)', () => {
  it('lists every export of dsl/index.ts', () => {
    const program = ts.createProgram([join(root, 'dsl/index.ts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowImportingTsExtensions: true, noEmit: true, strict: true });
    const checker = program.getTypeChecker();
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(root, 'dsl/index.ts'))!)!).map((s) => s.name);
    const documented = new Set((project.children ?? []).map((c) => c.name));
    expect(exported.length).toBeGreaterThan(100);
    expect(exported.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('documents every export and every public member of its classes', () => {
    const missing: string[] = [];
    for (const r of project.children ?? []) {
      if (!summary(r)) missing.push(r.name);
      if (r.kind !== KIND.class) continue;
      for (const m of r.children ?? []) {
        if ((m.kind === KIND.method || m.kind === KIND.accessor) && !m.flags?.isPrivate && !m.flags?.isProtected && !summary(m)) missing.push(`${r.name}.${m.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every operation on UInt, SInt and Bool values, U, S, B and mux a width rule and an example', () => {
    const byName = new Map((project.children ?? []).map((c) => [c.name, c]));
    const operations: [string, Reflection][] = [];
    for (const cls of ['UIntValue', 'SIntValue', 'BoolValue']) {
      for (const m of byName.get(cls)?.children ?? []) {
        if ((m.kind === KIND.method || m.kind === KIND.accessor) && !notOperations.has(m.name) && !m.flags?.isPrivate && !m.flags?.isProtected) operations.push([`${cls}.${m.name}`, m]);
      }
    }
    for (const f of ['U', 'S', 'B', 'mux']) operations.push([f, byName.get(f)!]);
    const names = operations.map(([n]) => n);
    // The operations a user asked for by name are among them.
    for (const n of ['UIntValue.xorR', 'UIntValue.andR', 'UIntValue.dshl', 'UIntValue.dshr', 'UIntValue.head', 'UIntValue.geq', 'UIntValue.asClock', 'UIntValue.asAsyncReset', 'SIntValue.neg']) expect(names).toContain(n);
    const lacking = operations.filter(([, r]) => !/Width: \S/.test(summary(r)) || !example(r)).map(([n]) => n);
    expect(lacking).toEqual([]);
  });
});
