// Structure of the hardened layers as Yosys sees it: no multipliers, one adder
// per nonzero weight minus one per output (plus the bias adder), and a gate
// count that grows linearly with the nonzero weights. Also the stat parser.
import { describe, expect, it } from 'vitest';
import { areaOf } from '../../cli/report-area.ts';
import { arithmeticFigures, gateFigures, parseStat } from '../../cli/yosys-stat.ts';
import { EXACT, Prng, expRange, linearHw, qformat, randomSparsePo2, treeAdders, truncating, type BiasVector, type Po2 } from '../../lib/index.ts';
import { harness } from './harness.ts';

const STAT = `
=== Top ===

   Number of wires:                  5
   Number of cells:                  3
     $add_6                          1
     $mul_16                         1
     Leaf                            2

=== Leaf ===

   Number of wires:                  4
   Number of cells:                  3
     $add_6                          1
     $sub_9                          2

=== design hierarchy ===

   Top                               1
     Leaf                            2

   Number of wires:                  9
   Number of cells:                  8
     $add_6                          3
     $mul_16                         1
     $sub_9                          4
`;

describe('Yosys stat parsing', () => {
  it('reads per-module blocks, the hierarchy instance counts and totals', () => {
    const s = parseStat(STAT);
    expect(Object.keys(s.modules)).toEqual(['Top', 'Leaf']);
    expect(s.modules.Leaf!.cells).toBe(3);
    expect(s.hierarchy!.instances).toEqual({ Top: 1, Leaf: 2 });
    expect(arithmeticFigures(s.hierarchy!.types)).toEqual({ adders: 7, adder_bits: 3 * 6 + 4 * 9, mul_cells: 1 });
    expect(arithmeticFigures(s.modules.Top!.types)).toEqual({ adders: 1, adder_bits: 6, mul_cells: 1 });
    expect(gateFigures({ $_AND_: 4, $_DFF_P_: 2, Leaf: 3 })).toEqual({ gates: 6, dffs: 2 });
  });
});

const ACT = qformat(3, 5);
const N = 32;
const OUT = 3;
const range = expRange(-4, 1);
// A bias far above every tree's root LSB, so its adder is always real.
const biasFmt = qformat(6, 9);

function layer(p: Prng, sparsity: number): { weights: Po2[]; bias: BiasVector } {
  const weights = randomSparsePo2(p, N * OUT, range, sparsity);
  const raw = Array.from({ length: OUT }, () => BigInt((p.nextU32() & 1 ? 1 : -1) * (2048 + 2 * p.int(0, 1000) + 1)));
  return { weights, bias: { raw, fmt: biasFmt } };
}

/** Adders per output, counted from the weights directly. */
function expectedAdders(ws: readonly Po2[], bias: bigint): number {
  const nz = ws.filter((w) => w.sign !== 0);
  if (nz.length === 0) return 0;
  return nz.length - 1 + (bias !== 0n || nz.every((w) => w.sign < 0) ? 1 : 0);
}

function def(name: string, l: { weights: Po2[]; bias?: BiasVector }) {
  return harness(name, { x: { shape: [1, 1, N], fmt: ACT } }, ({ x }) => ({ y: linearHw(x!, l.weights, OUT, { mode: EXACT, ...(l.bias ? { bias: l.bias } : {}) }) })).def;
}

describe('hardened layers in Yosys', () => {
  it('has no multiplier and nonzero - 1 (+1 bias) adders per output', async () => {
    const l = layer(new Prng(11), 0.6);
    const r = await areaOf(def('StructPerOutput', l));
    expect(r.mul_cells).toBe(0);
    const want = Array.from({ length: OUT }, (_, o) => expectedAdders(l.weights.slice(o * N, (o + 1) * N), l.bias.raw[o]!));
    const got = Object.entries(r.modules)
      .filter(([n]) => n.startsWith('Po2Dot'))
      .map(([, m]) => m.adders);
    expect(got.sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
    expect(r.adders).toBe(want.reduce((a, b) => a + b, 0));
  });

  it('takes floor-signed corrections as carry-ins: Yosys counts what the trees report, below the one-per-correction bound', async () => {
    const weights = randomSparsePo2(new Prng(13), N * OUT, range, 0.3);
    const mode = truncating(2); // k = e - 3 < 0 for every exponent: every term truncated
    let reported = 0;
    const h = harness('StructFloorSigned', { x: { shape: [1, 1, N], fmt: ACT } }, ({ x }) => {
      const y = linearHw(x!, weights, OUT, { mode });
      reported = y.adders;
      return { y };
    });
    const r = await areaOf(h.def, {}, { hierarchical: false });
    expect(r.mul_cells).toBe(0);
    expect(r.adders).toBe(reported);
    const rows = Array.from({ length: OUT }, (_, o) => weights.slice(o * N, (o + 1) * N));
    const bound = rows.reduce((a, ws) => a + treeAdders(ws, { act: ACT, accFrac: 2, mode }), 0);
    const floor = rows.reduce((a, ws) => a + Math.max(ws.filter((w) => w.sign !== 0).length - 1, 0), 0);
    const corrections = weights.filter((w) => w.sign < 0).length;
    expect(bound - floor).toBe(corrections);
    expect(reported).toBeGreaterThanOrEqual(floor);
    expect(reported).toBeLessThanOrEqual(floor + OUT); // at most one leftover adder per output here
  });

  it('gate count grows linearly with the nonzero weights', async () => {
    const p = new Prng(12);
    const points: { nnz: number; gates: number; adders: number }[] = [];
    for (const s of [0, 0.3, 0.6, 0.9]) {
      const l = layer(p, s);
      const r = await areaOf(def(`StructSweep${Math.round(s * 100)}`, { weights: l.weights }), {}, { hierarchical: false });
      expect(r.mul_cells).toBe(0);
      points.push({ nnz: l.weights.filter((w) => w.sign !== 0).length, gates: r.gates, adders: r.adders });
    }
    // Least-squares line through (nnz, gates); every point within 10 % of the fit's range.
    const n = points.length;
    const mx = points.reduce((a, q) => a + q.nnz, 0) / n;
    const my = points.reduce((a, q) => a + q.gates, 0) / n;
    const slope = points.reduce((a, q) => a + (q.nnz - mx) * (q.gates - my), 0) / points.reduce((a, q) => a + (q.nnz - mx) ** 2, 0);
    const icept = my - slope * mx;
    const span = Math.max(...points.map((q) => q.gates)) - Math.min(...points.map((q) => q.gates));
    expect(slope).toBeGreaterThan(10); // an 8-bit-activation adder is well over 10 gates
    for (const q of points) expect(Math.abs(q.gates - (slope * q.nnz + icept)), JSON.stringify(points)).toBeLessThan(0.1 * span);
    // Strictly fewer gates at every step up in sparsity.
    for (let i = 1; i < n; i++) expect(points[i]!.gates).toBeLessThan(points[i - 1]!.gates);
  });
});
