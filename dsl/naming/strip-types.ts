// TypeScript -> JavaScript for the loader, with esbuild (as tsx does). The
// input carries the naming transform's map inline; esbuild composes it, so the
// inline map of the output points at the original file.
import { transform } from 'esbuild';
import { inlineSourceMapComment } from './source-map.ts';
import type { SpliceResult } from './splice.ts';

// Mirrors the compiler options of hashi's tsconfig.json that change emitted code.
const tsconfigRaw = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };

export async function stripTypes(named: SpliceResult, path: string): Promise<string> {
  const out = await transform(named.code + inlineSourceMapComment(named.map), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcesContent: false,
    sourcefile: path,
    tsconfigRaw,
  });
  return out.code;
}
