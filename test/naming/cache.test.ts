// The naming transform's disk cache: content-keyed hits, misses on change,
// atomic writes, and tolerance of damaged entries.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedTransformNaming, namingCacheDir, namingCacheKey } from '../../dsl/naming/cache.ts';
import { transformNaming } from '../../dsl/naming/transform.ts';
import { NAMING_TRANSFORM_VERSION } from '../../dsl/naming/version.ts';

const HASHI = ['..', 'dsl', 'index.ts'].join('/');
const src = `import { UInt } from '${HASHI}';\nconst x = UInt(8);\n`;
const RT = '/rt.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashi-naming-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const entries = (): string[] => readdirSync(dir).sort();

describe('naming cache', () => {
  it('misses, stores one entry, then hits with the same output', async () => {
    const first = await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(first).toEqual(transformNaming(src, '/p/a.ts', { runtimeSpecifier: RT }));
    expect(entries()).toEqual([`${namingCacheKey(src, RT)}.json`]);
    const second = await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(second).toEqual(first);
  });

  it('really reads the entry on a hit (a planted entry is returned)', async () => {
    await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    const file = join(dir, `${namingCacheKey(src, RT)}.json`);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { code: string };
    writeFileSync(file, JSON.stringify({ ...entry, code: 'PLANTED' }));
    const hit = await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(hit?.code).toBe('PLANTED');
  });

  it('misses when the source changes, and keys do not depend on the file name', async () => {
    await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    const changed = src.replace('UInt(8)', 'UInt(9)');
    const out = await cachedTransformNaming(changed, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(out?.code).toContain('UInt(9)');
    expect(entries()).toHaveLength(2);
    const other = await cachedTransformNaming(src, '/q/b.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(entries()).toHaveLength(2);
    expect(other?.map.sources).toEqual(['b.ts']); // the map is completed for the file asking
    expect(other?.map.sourcesContent).toEqual([src]);
  });

  it('ignores entries written by another transform version', async () => {
    const file = join(dir, `${namingCacheKey(src, RT)}.json`);
    writeFileSync(file, JSON.stringify({ version: 'naming-0', code: 'OLD', mappings: '' }));
    const out = await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(out?.code).toContain('__hashi_name("x"');
  });

  it('keys on the runtime specifier and the transform version as well as the text', () => {
    expect(namingCacheKey(src, '/a.ts')).not.toBe(namingCacheKey(src, '/b.ts'));
    expect(namingCacheKey(src, RT)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('remembers files that need no change, and never touches the disk for files without hashi', async () => {
    const literalsOnly = `import { UInt } from '${HASHI}';\nconst n = 3;\n`;
    expect(await cachedTransformNaming(literalsOnly, '/p/c.ts', { cacheDir: dir })).toBeNull();
    expect(entries()).toHaveLength(1);
    expect(await cachedTransformNaming(literalsOnly, '/p/c.ts', { cacheDir: dir })).toBeNull();
    expect(await cachedTransformNaming('const y = f();\n', '/p/d.ts', { cacheDir: dir })).toBeNull();
    expect(entries()).toHaveLength(1);
  });

  it('treats a damaged entry as a miss and replaces it', async () => {
    const file = join(dir, `${namingCacheKey(src, RT)}.json`);
    writeFileSync(file, `{"version": "${NAMING_TRANSFORM_VERSION}", "code": 12`);
    const out = await cachedTransformNaming(src, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT });
    expect(out?.code).toContain('__hashi_name("x"');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ code: out?.code });
  });

  it('leaves no temporary files behind, also when many writers race', async () => {
    const variants = Array.from({ length: 20 }, (_, i) => src.replace('UInt(8)', `UInt(${i % 5})`));
    await Promise.all(variants.map((v) => cachedTransformNaming(v, '/p/a.ts', { cacheDir: dir, runtimeSpecifier: RT })));
    expect(entries()).toHaveLength(5);
    expect(entries().every((f) => f.endsWith('.json'))).toBe(true);
  });

  it('stays consistent with several processes reading and writing the same entries', async () => {
    const writer = fileURLToPath(new URL('./fixtures/cache-writer.ts', import.meta.url));
    const runs = [0, 1].map(() => promisify(execFile)(process.execPath, ['--import', 'tsx', writer, dir, '10'], { timeout: 60_000 }));
    for (const { stdout } of await Promise.all(runs)) expect(JSON.parse(stdout.trim())).toEqual({ bad: 0 });
    expect(entries()).toHaveLength(4);
    expect(entries().every((f) => f.endsWith('.json'))).toBe(true);
  });

  it('uses HASHI_NAMING_CACHE when set, the project .cache/naming otherwise', () => {
    const saved = process.env.HASHI_NAMING_CACHE;
    try {
      process.env.HASHI_NAMING_CACHE = dir;
      expect(namingCacheDir()).toBe(dir);
      process.env.HASHI_NAMING_CACHE = 'off';
      expect(namingCacheDir()).toBeNull();
      delete process.env.HASHI_NAMING_CACHE;
      expect(namingCacheDir()).toMatch(/[\\/]\.cache[\\/]naming[\\/]?$/);
    } finally {
      if (saved === undefined) delete process.env.HASHI_NAMING_CACHE;
      else process.env.HASHI_NAMING_CACHE = saved;
    }
  });
});
