// hashi report families: the paper's Fig. 4 table, JSON and SVG (at 32 x 32 to
// stay quick; the figures at 224 are in lib/nets/README.md), and bad options
// as usage errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hashi-families-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8', timeout: 600_000 });
}

interface Row {
  model: string;
  top1: number;
  nonzero_weights: number;
  adders: number;
  adder_bits: number;
  streaming_adders: number;
  area_mm2: number;
}

describe('hashi report families', () => {
  it('writes the table, families.json and an SVG with every model and the reticle line', () => {
    const r = cli('report', 'families', '--resolution', '32', '--sparsity', '0.5', '--out', dir, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { models: Row[]; files: { json: string; svg: string }; reticle_mm2: number };
    expect(j.models.map((m) => m.model)).toHaveLength(12);
    for (const f of Object.values(j.files)) expect(existsSync(f)).toBe(true);
    const by = (m: string): Row => j.models.find((x) => x.model === m)!;
    // The calibration point is 850 / 4 mm^2 by construction; the ranking is not.
    expect(by('MobileNetV2 1.0').area_mm2).toBeCloseTo(212.5, 6);
    expect(by('ResNet-50').area_mm2).toBeGreaterThan(by('ResNet-18').area_mm2);
    expect(by('VGG-16').adders).toBeGreaterThan(by('VGG-11').adders);
    expect(by('MobileNetV2 0.35').adder_bits).toBeLessThan(by('MobileNetV2 1.4').adder_bits);
    // One tree per output element (unrolled) costs more than one per channel (streaming).
    for (const m of j.models) expect(m.adders).toBeGreaterThan(m.streaming_adders);
    const svg = readFileSync(j.files.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const m of j.models) expect(svg).toContain(m.model);
    expect(svg).toContain('reticle 850 mm2');
    expect(r.stdout).toMatch(/area per adder bit = 212.5 mm\^2/);
  }, 600_000);

  it('bad options are usage errors', () => {
    const r = cli('report', 'families', '--sparsity', '1.5');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--sparsity must be a number in \[0, 0.99\], got '1.5'/);
  });
});
