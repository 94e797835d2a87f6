// A markdown file's examples cannot rot: every ```ts block in it is extracted
// into build/<name>/, type-checked with the project's compiler options and then
// imported through vite (so the naming transform applies), which runs it.
// Blocks check themselves: a wrong behaviour makes them throw (sim.expect, or
// an explicit `throw`), and the import fails. Blocks marked ```ts fragment are
// incomplete snippets: they are only parsed, never type-checked or run.
// Relative imports are written as seen from the markdown file; the extracted
// copies get them rewritten for their own folder.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Block {
  /** 1-based position among the ts blocks. */
  readonly n: number;
  /** Line of the block's first code line in the markdown file. */
  readonly line: number;
  readonly fragment: boolean;
  readonly code: string;
  readonly file: string;
}

/** The ```ts blocks of a markdown text, in order. */
function extractBlocks(markdown: string, mdPath: string, outDir: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${mdPath}:${i + 1}: code block never closed`);
    if (open[1] === 'ts' || open[1] === 'typescript') {
      const n = blocks.length + 1;
      const file = join(outDir, `block-${String(n).padStart(2, '0')}.ts`);
      blocks.push({ n, line: start + 1, fragment: open[2]!.split(/\s+/).includes('fragment'), code: lines.slice(start, end).join('\n') + '\n', file });
    }
    i = end;
  }
  return blocks;
}

/** Relative specifiers written from `fromDir`, rewritten as seen from `toDir`. */
function rebase(code: string, fromDir: string, toDir: string): string {
  return code.replace(/(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.\.?\/[^'"]*)\2/g, (_m, lead: string, q: string, spec: string) => {
    const moved = relative(toDir, resolve(fromDir, spec)).split('\\').join('/');
    return `${lead}${q}${moved.startsWith('.') ? moved : `./${moved}`}${q}`;
  });
}

/**
 * The vitest suite for one markdown file (path relative to the project root),
 * extracted into build/<outName>/. `minRunnable`: at least this many complete blocks.
 */
export function describeMarkdownExamples(mdRelPath: string, outName: string, minRunnable: number): void {
  const mdPath = join(root, mdRelPath);
  const outDir = join(root, 'build', outName);
  // The folder and file names are stable on purpose: they appear in the FIRRTL
  // locators, hence in the SystemVerilog, hence in Verilator's build-cache key.
  // Each file is replaced atomically, so a concurrent run never reads half of one.
  const blocks = extractBlocks(readFileSync(mdPath, 'utf8'), mdRelPath, outDir);
  mkdirSync(outDir, { recursive: true });
  for (const b of blocks) {
    const tmp = `${b.file}.${process.pid}.tmp`;
    writeFileSync(tmp, rebase(b.code, dirname(mdPath), outDir));
    renameSync(tmp, b.file);
  }
  const current = new Set(blocks.map((b) => b.file));
  for (const f of readdirSync(outDir)) {
    if (/^block-\d+\.ts$/.test(f) && !current.has(join(outDir, f))) rmSync(join(outDir, f), { force: true });
  }

  const where = (b: Block, lineInBlock = 1): string => `${mdRelPath}:${b.line + lineInBlock - 1}`;

  describe(mdRelPath, () => {
    it('has runnable examples', () => {
      expect(blocks.filter((b) => !b.fragment).length).toBeGreaterThanOrEqual(minRunnable);
    });

    it('type-checks every complete block (strict, the project tsconfig)', () => {
      const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
      if (!config) throw new Error('cannot read tsconfig.json');
      const complete = blocks.filter((b) => !b.fragment);
      const program = ts.createProgram(
        complete.map((b) => b.file),
        config.options,
      );
      const byFile = new Map(complete.map((b) => [b.file, b]));
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && byFile.has(d.file.fileName))
        .map((d) => {
          const b = byFile.get(d.file!.fileName)!;
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          return `${where(b, line + 1)} (block ${b.n}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    }, 60_000);

    it('parses every fragment', () => {
      const problems = blocks
        .filter((b) => b.fragment)
        .flatMap((b) => {
          const out = ts.transpileModule(b.code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
          return (out.diagnostics ?? []).map((d) => `${where(b)} (fragment ${b.n}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
        });
      expect(problems).toEqual([]);
    });

    for (const b of blocks.filter((x) => !x.fragment)) {
      it(`runs block ${b.n} (${where(b)})`, async () => {
        try {
          await import(/* @vite-ignore */ b.file);
        } catch (e) {
          const err = e as Error;
          err.message = `${mdRelPath} block ${b.n} at ${where(b)} (extracted to ${relative(root, b.file)}) failed: ${err.message}`;
          throw err;
        }
      });
    }
  });
}
