// hashi used from outside its checkout: where caches go, `hashi init`, `hashi
// doctor`, and a design in another folder importing 'hashi' by name.
// (The packed tarball in a fresh project is .ci/run's scripts/check-packed-project.mjs.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { namingCacheKey } from '../../dsl/naming/cache.ts';
import { runtimeSpecifier } from '../../dsl/naming/runtime-specifier.ts';
import { cacheDir, packageEntries, packageRoot } from '../../scripts/paths.mjs';

const checkout = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const work = mkdtempSync(join(tmpdir(), 'hashi-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The checkout's CLI run from `cwd` with only the given cache settings. */
function hashi(cwd: string, env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['HASHI_CACHE_DIR', 'HASHI_NAMING_CACHE', 'HASHI_SIM_CACHE', 'XDG_CACHE_HOME'].includes(k)));
  return spawnSync(process.execPath, [join(checkout, 'cli', 'bin.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...clean, ...env } });
}

describe('cache folder', () => {
  it('is $HASHI_CACHE_DIR, else .cache inside the checkout, else the per-user cache', () => {
    expect(packageRoot).toBe(checkout);
    expect(cacheDir({ HASHI_CACHE_DIR: '/x/y' }, '/anywhere')).toBe('/x/y');
    expect(cacheDir({}, join(checkout, 'designs'))).toBe(join(checkout, '.cache'));
    expect(cacheDir({ XDG_CACHE_HOME: '/home/u/.xdg' }, '/tmp/elsewhere')).toBe('/home/u/.xdg/hashi');
  });

  it('emitting a design outside the checkout writes naming entries to the per-user cache, not the checkout', () => {
    const project = join(work, 'elsewhere');
    mkdirSync(project, { recursive: true });
    // A unique design, so its cache entry cannot exist from another run.
    const source = `import { IO, Input, Output, UInt, defineModule } from 'hashi';
export const Pass = defineModule({ name: 'Pass', body: () => {
  const io = IO({ a: Input(UInt(4)), b: Output(UInt(4)) });
  const doubled = io.a.addWrap(io.a);
  io.b.connect(doubled);
  return io;
} });
// ${work}
`;
    writeFileSync(join(project, 'pass.ts'), source);
    const xdg = join(work, 'xdg');
    const r = hashi(project, { XDG_CACHE_HOME: xdg }, 'emit', 'pass.ts', '-o', 'out');
    expect(r.status, r.stderr).toBe(0);
    // 'hashi' resolved to this checkout's language, and automatic naming ran.
    expect(readFileSync(join(project, 'out', 'Pass.fir'), 'utf8')).toMatch(/node doubled = /);
    expect(readFileSync(join(project, 'out', 'sv', 'Pass.sv'), 'utf8')).toMatch(/module Pass/);
    const entry = `${namingCacheKey(source, runtimeSpecifier, true)}.json`;
    expect(readdirSync(join(xdg, 'hashi', 'naming'))).toContain(entry);
    expect(existsSync(join(checkout, '.cache', 'naming', entry))).toBe(false);
  });
});

describe('package entry points', () => {
  it('map hashi, hashi/sim, hashi/lib and hashi/vitest to dist/ (built) or their TypeScript sources', () => {
    const built = packageEntries(false);
    const sources = packageEntries(true);
    expect([...built.keys()].sort()).toEqual(['hashi', 'hashi/lib', 'hashi/sim', 'hashi/vitest']);
    expect(built.get('hashi')).toMatch(/\/dist\/dsl\/index\.js$/);
    for (const url of sources.values()) expect(existsSync(fileURLToPath(url)), url).toBe(true);
  });
});

describe('hashi init', () => {
  it('writes an ESM project with a design, a test and the naming plugin, and never overwrites', () => {
    const dir = join(work, 'fresh');
    const r = hashi(work, {}, 'init', dir);
    expect(r.status, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies.hashi).toBe(`file:${checkout}`);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['typescript', 'vitest']);
    expect(readFileSync(join(dir, 'vitest.config.ts'), 'utf8')).toContain("from 'hashi/vitest'");
    for (const f of ['tsconfig.json', '.gitignore', 'src/blinky.ts', 'test/blinky.test.ts']) expect(existsSync(join(dir, f)), f).toBe(true);
    const again = hashi(work, {}, 'init', dir);
    expect(again.status).toBe(2); // a usage error
    expect(again.stderr).toMatch(/already exist.*hashi init writes only new files/);
  });

  it('merges into an existing package.json, keeping its fields', () => {
    const dir = join(work, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mine', scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'x' }, dependencies: { hashi: 'file:../hashi.tgz' } }));
    expect(hashi(dir, {}, 'init').status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'mine', type: 'module', scripts: { lint: 'x', test: 'tsc --noEmit -p . && vitest run' }, dependencies: { hashi: 'file:../hashi.tgz' } });
  });
});

describe('hashi doctor', () => {
  it('lists the tools with versions and paths, and the cache folder', () => {
    const r = hashi(work, { HASHI_CACHE_DIR: join(work, 'c') }, 'doctor', '--json');
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { 'cache folder': string; tools: { name: string; status: string; where?: string; version?: string }[] };
    expect(report['cache folder']).toBe(`${join(work, 'c')} (HASHI_CACHE_DIR)`);
    const firtool = report.tools.find((t) => t.name === 'firtool')!;
    expect(firtool).toMatchObject({ status: 'ok' });
    expect(firtool.version).toMatch(/^1\.\d+\.\d+/);
    expect(report.tools.find((t) => t.name === 'verilator')?.status).toBe('ok');
    expect(r.status).toBe(report.tools.some((t) => t.status === 'missing') ? 3 : 0);
  });

  it('says what is missing and how to fix it', () => {
    const r = hashi(work, { HASHI_FIRTOOL: join(work, 'no-such-firtool') }, 'doctor');
    expect(r.status).toBe(3); // a missing tool
    expect(r.stdout).toMatch(/MISS firtool/);
    expect(r.stdout).toMatch(/fix: .*HASHI_FIRTOOL/);
    expect(r.stderr).toMatch(/missing: firtool/);
  });
});
