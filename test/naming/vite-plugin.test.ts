// The Vite/Vitest plugin: what it transforms, and that vitest (configured in
// vitest.config.ts) really runs design files through it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hashiNaming } from '../../dsl/naming/vite-plugin.ts';
import { Box, boom, f } from './fixtures/named.ts';

const fixture = fileURLToPath(new URL('./fixtures/named.ts', import.meta.url));
const HASHI = ['..', 'dsl', 'index.ts'].join('/');
const design = `import { UInt } from '${HASHI}';\nconst x = UInt(8);\n`;

describe('hashiNaming Vite plugin', () => {
  const plugin = hashiNaming();

  it('runs before Vite strips types', () => {
    expect(plugin.enforce).toBe('pre');
    expect(plugin.name).toBe('hashi-naming');
  });

  it('returns code and a source map for .ts files importing hashi (ids with queries too)', async () => {
    const out = await plugin.transform(design, '/p/design.ts?v=3');
    expect(out?.code).toContain('const x = __hashi_name("x", () => UInt(8));');
    expect(out?.map.sources).toEqual(['design.ts']);
    expect(out?.map.mappings.length).toBeGreaterThan(0);
  });

  it('ignores other files', async () => {
    expect(await plugin.transform(design, '/p/design.js')).toBeNull();
    expect(await plugin.transform(design, '/p/types.d.ts')).toBeNull();
    expect(await plugin.transform(design, '/p/node_modules/x/design.ts')).toBeNull();
    expect(await plugin.transform(design, '\0virtual:design.ts')).toBeNull();
    expect(await plugin.transform('const x = f();\n', '/p/plain.ts')).toBeNull();
  });
});

describe('vitest applies the plugin', () => {
  it('transforms imported design modules', () => {
    // Vite rewrites imported names to `(0, __vite_ssr_import_0__.__hashi_name)(…)`.
    expect(f.toString()).toMatch(/__hashi_name\)?\("y", \(\) => /);
    expect(new Box().derived.n).toBe(2);
  });

  it('keeps stack traces on the original line:column', () => {
    const src = readFileSync(fixture, 'utf8');
    const at = src.indexOf('make(-1)');
    const before = src.slice(0, at);
    const pos = `named.ts:${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
    let stack = '';
    try {
      boom();
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    expect(stack.split('\n').find((l) => l.includes('named.ts'))).toContain(pos);
  });
});
