// Source maps of the naming transform: positions in the output map back to
// the user's original line:column, directly and after esbuild strips types.
import fc from 'fast-check';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyInsertions } from '../../dsl/naming/apply-insertions.ts';
import { insertionMappings } from '../../dsl/naming/insertion-map.ts';
import type { Insertion } from '../../dsl/naming/insertion-map.ts';
import type { RawSourceMap } from '../../dsl/naming/source-map.ts';
import { stripTypes } from '../../dsl/naming/strip-types.ts';
import { transformNaming } from '../../dsl/naming/transform.ts';

const HASHI = ['..', 'dsl', 'index.ts'].join('/');

/** 0-based line and column of the first occurrence of `token` in `text`. */
function where(text: string, token: string): { line: number; col: number } {
  const at = text.indexOf(token);
  if (at < 0) throw new Error(`token ${token} not found`);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, col: at - (before.lastIndexOf('\n') + 1) };
}

function sourceMap(map: RawSourceMap): SourceMap {
  const payload: SourceMapPayload = { file: '', sourceRoot: '', sourcesContent: [], ...map, version: 3 } as SourceMapPayload;
  return new SourceMap(payload);
}

function expectMapsBack(map: RawSourceMap, generated: string, original: string, tokens: string[]): void {
  const sm = sourceMap(map);
  for (const token of tokens) {
    const g = where(generated, token);
    const o = where(original, token);
    const e = sm.findEntry(g.line, g.col) as { originalLine?: number; originalColumn?: number };
    expect({ token, line: e.originalLine, col: e.originalColumn }).toEqual({ token, line: o.line, col: o.col });
  }
}

// Every token of interest is spelled uniquely so it can be found in both texts.
const design = [
  `import { UInt, Reg } from '${HASHI}';`,
  'export class Stage {',
  '  valid: Reg = regOne(UInt(1));',
  '  data = { payload: wideWire(UInt(16)) };',
  '}',
  'export function block(a: UInt, b: UInt) {',
  '  const sumAB = a.addMe(b), other = b.subMe(a);',
  '  let picked = sumAB.gtMe(a) ? sumAB : other.tailMe(1);',
  '  return picked;',
  '}',
  '',
].join('\n');
const tokens = ['regOne', 'UInt(1)', 'wideWire', 'payload', 'addMe', 'subMe', 'gtMe', 'tailMe', 'return picked', 'export function', '{ UInt'];

describe('naming source maps', () => {
  it('map every token of the transformed TypeScript back to its original line:col', () => {
    const out = transformNaming(design, '/p/design.ts', { runtimeSpecifier: '/rt.ts' })!;
    expect(out.code).not.toBe(design);
    expectMapsBack(out.map, out.code, design, tokens);
  });

  it('compose with esbuild: the JavaScript the loader runs maps back to the original', async () => {
    const out = transformNaming(design, '/p/design.ts', { runtimeSpecifier: '/rt.ts' })!;
    const js = await stripTypes(out, '/p/design.ts');
    const m = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(js);
    expect(m).not.toBeNull();
    const map = JSON.parse(Buffer.from(m![1]!, 'base64').toString('utf8')) as RawSourceMap;
    expect(map.sources).toEqual(['design.ts']); // resolved against the module URL
    expect(js).toContain('__hashi_name("sumAB", () => a.addMe(b))');
    expectMapsBack(map, js, design, ['regOne', 'wideWire', 'addMe', 'subMe', 'gtMe', 'tailMe', 'return picked']);
  });

  it('map the inserted call itself to the start of the wrapped expression', () => {
    const out = transformNaming(design, '/p/design.ts', { runtimeSpecifier: '/rt.ts' })!;
    const sm = sourceMap(out.map);
    const g = where(out.code, '__hashi_name("picked"');
    const o = where(design, 'sumAB.gtMe');
    expect(sm.findEntry(g.line, g.col)).toMatchObject({ originalLine: o.line, originalColumn: o.col });
  });

  it('hold for random texts and insertions (every word start maps back exactly)', () => {
    const text = fc.stringMatching(/^[a-z0-9 ().=\n;{}]{0,120}$/);
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), fc.stringMatching(/^[a-z( )=>"]{1,12}$/), fc.boolean()), { maxLength: 8 }), (src, raw) => {
        const ins: Insertion[] = raw
          .map(([p, t, mapped]) => ({ pos: p % (src.length + 1), text: t, mapped }))
          .sort((a, b) => a.pos - b.pos);
        const out = applyInsertions(src, ins);
        expect(out.length).toBe(src.length + ins.reduce((n, i) => n + i.text.length, 0));
        const sm = sourceMap({ version: 3, sources: ['s'], names: [], mappings: insertionMappings(src, ins) });
        // Generated position of each original character: its index plus the inserted text before it.
        let shift = 0;
        let k = 0;
        let lineStart = 0;
        let line = 0;
        for (let i = 0; i < src.length; i++) {
          while (k < ins.length && ins[k]!.pos <= i) shift += ins[k++]!.text.length;
          const c = src[i]!;
          if (c === '\n') {
            line++;
            lineStart = i + 1;
            shift = 0;
            continue;
          }
          const prev = i > lineStart ? src[i - 1]! : ' ';
          const wordStart = /[a-z0-9]/.test(c) && !/[a-z0-9]/.test(prev);
          if (!wordStart) continue;
          const e = sm.findEntry(line, i - lineStart + shift) as { originalLine?: number; originalColumn?: number };
          expect([e.originalLine, e.originalColumn]).toEqual([line, i - lineStart]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
