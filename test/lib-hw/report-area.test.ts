// `hashi report area --json` end to end on a small example design: one JSON
// object, last on stdout, whose adder count follows from the seeded weights.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { layerWeights, po2LayerDefaults } from '../../designs/po2-common.ts';

describe('hashi report area', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints totals and per-module figures as JSON', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const code = await main(['report', 'area', 'designs/po2-pointwise.ts', '--param', 'channels=8', '--param', 'outChannels=3', '--param', 'sparsity=0.5', '--param', 'bias=true', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(lines.at(-1)!) as Record<string, unknown> & { modules: Record<string, { adders: number; gates: number }> };
    const { weights, bias } = layerWeights({ ...po2LayerDefaults, channels: 8, outChannels: 3, sparsity: 0.5, bias: true }, 1);
    let want = 0;
    for (let o = 0; o < 3; o++) {
      const nz = weights.slice(o * 8, (o + 1) * 8).filter((w) => w.sign !== 0);
      if (nz.length > 0) want += nz.length - 1 + (bias!.raw[o] !== 0n || nz.every((w) => w.sign < 0) ? 1 : 0);
    }
    expect(r.adders).toBe(want);
    expect(r.mul_cells).toBe(0);
    expect(r.gates).toBeGreaterThan(0);
    expect(r.yosys).toMatchObject({ script: expect.stringContaining('wreduce') });
    expect(Object.keys(r.modules)).toContain('Po2Pointwise');
    expect(Object.values(r.modules).reduce((a, m) => a + m.adders, 0)).toBe(want);
  });

  it('rejects an unknown parameter', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['report', 'area', 'designs/po2-pointwise.ts', '--param', 'nope=1'])).toBe(2);
  });
});
