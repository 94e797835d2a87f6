// Po2 adder trees at the corners of their construction, simulated against the
// golden dot product: every row of one linear layer is a special case (all
// negative weights with and without bias, one term, no term, exponents far
// apart, a single positive term among negatives), in exact mode and both
// truncating modes, plus the adder counts the generator reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import {
  EXACT,
  PO2_ZERO,
  Prng,
  accFracFor,
  fixedTensor,
  linearAcc,
  linearHw,
  po2,
  qformat,
  randomTensor,
  rawMax,
  rawMin,
  treeAdders,
  truncating,
  type AccumulateMode,
  type BiasVector,
  type FixedTensor,
  type Po2,
} from '../../lib/index.ts';
import { extremeInputs, firstMismatch, harness, runHarness } from './harness.ts';

const N = 6;
const ACT = qformat(3, 3);
const Z = PO2_ZERO;
const m = (...ws: Po2[]): Po2[] => ws;
// Rows (one output each): the special cases.
const rows: Po2[][] = [
  m(po2(-1, 0), po2(-1, -2), po2(-1, 1), po2(-1, -3), Z, Z), // all negative, no bias -> negated once
  m(po2(-1, 0), po2(-1, -4), Z, Z, Z, po2(-1, 2)), // all negative, with bias (row bias below)
  m(Z, Z, po2(1, -2), Z, Z, Z), // one term
  m(Z, Z, Z, Z, Z, Z), // no term: constant bias
  m(po2(1, 3), po2(-1, -5), po2(1, -1), po2(-1, 2), po2(1, -4), po2(-1, 0)), // exponents far apart
  m(po2(-1, -2), po2(-1, 1), po2(1, 0), po2(-1, -1), po2(-1, 0), po2(-1, -3)), // one positive among negatives
  m(po2(-1, -4), po2(1, 2), Z, Z, Z, Z), // finer term negative
];
const OUT = rows.length;
const weights = rows.flat();
const biasFmt = qformat(5, 2);
const bias: BiasVector = { raw: [0n, 37n, 0n, -19n, 5n, 0n, -3n], fmt: biasFmt };

const modes: Record<string, AccumulateMode> = {
  exact: EXACT,
  floor: truncating(2),
  subfloor: truncating(1, 'subtract-floored'),
  coarse: truncating(-1),
};

const h = harness('AdderTreeCases', { x: { shape: [1, 1, N], fmt: ACT } }, ({ x }) =>
  Object.fromEntries(Object.entries(modes).map(([name, mode]) => [name, linearHw(x!, weights, OUT, { mode, bias })])),
);

describe('Po2 adder tree corner cases in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(h.def);
  });
  afterAll(() => sim?.close());

  it('matches the golden dot product in every mode', () => {
    const p = new Prng(7);
    const corners = [rawMin(ACT), rawMax(ACT), 0n, -1n].map((r) => fixedTensor([1, 1, N], ACT, new Array<bigint>(N).fill(r)));
    const extremes = extremeInputs(weights, OUT, ACT).map((d) => fixedTensor([1, 1, N], ACT, d));
    const xs: FixedTensor[] = [...corners, ...extremes, ...Array.from({ length: 500 }, () => randomTensor(p, [1, 1, N], ACT, 0.3))];
    const got = runHarness(sim, h, xs.map((x) => ({ x })));
    for (const [name, mode] of Object.entries(modes)) {
      const want = xs.map((x) => linearAcc(x, weights, OUT, { mode, bias }));
      expect(h.outputs[name]!.fmt, name).toEqual(want[0]!.fmt);
      expect(firstMismatch(got[name]!, want.map((w) => w.data)), name).toBeUndefined();
    }
  });

  it('counts nonzero - 1 adders per output, +1 for a bias or an all-negative tree', () => {
    const accFrac = accFracFor(EXACT, weights, ACT.frac, biasFmt.frac);
    const biasAcc = (r: number): bigint => bias.raw[r]! << BigInt(accFrac - biasFmt.frac);
    const counts = rows.map((ws, r) => treeAdders(ws, { act: ACT, accFrac, mode: EXACT, bias: biasAcc(r) }));
    expect(counts).toEqual([4, 3, 0, 0, 6, 5, 2]);
    // Floor-signed truncation negates each negative input whose shift drops bits.
    expect(treeAdders(rows[0]!, { act: ACT, accFrac: 2, mode: truncating(2) })).toBe(3 + 3);
  });
});
