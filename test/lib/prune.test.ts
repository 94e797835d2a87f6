import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PO2_ZERO, denseByDefault, expRangeFromBits, pruneCount, pruneLayers, pruneMask, quantizePo2Tensor } from '../../lib/index.ts';

const arbWeights = fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 0, maxLength: 200 });
/** Weights with many exact ties in magnitude (including +-0). */
const arbTiedWeights = fc.array(fc.constantFrom(0, -0, 0.5, -0.5, 0.25, -0.25, 1, -1), { minLength: 1, maxLength: 100 });

describe('unstructured magnitude pruning', () => {
  it('prunes exactly round(s * N) weights; exactly j for s = j / N', () => {
    fc.assert(
      fc.property(arbWeights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, s) => {
        const keep = pruneMask(ws, s);
        return keep.length === ws.length && keep.filter((k) => !k).length === Math.round(s * ws.length);
      }),
    );
    fc.assert(
      fc.property(arbWeights.filter((w) => w.length > 0), fc.nat(), (ws, j0) => {
        const j = j0 % (ws.length + 1);
        return pruneMask(ws, j / ws.length).filter((k) => !k).length === j;
      }),
    );
    expect(pruneCount(100, 0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996 in doubles
    expect(() => pruneMask([1], 1.5)).toThrow();
    expect(() => pruneMask([1], -0.1)).toThrow();
  });

  it('every pruned weight is no larger in magnitude than every kept one', () => {
    fc.assert(
      fc.property(arbWeights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, s) => {
        const keep = pruneMask(ws, s);
        const maxPruned = Math.max(-1, ...ws.filter((_, i) => !keep[i]).map(Math.abs));
        const minKept = Math.min(Infinity, ...ws.filter((_, i) => keep[i]).map(Math.abs));
        return maxPruned <= minKept;
      }),
    );
  });

  it('ties are broken by index: among equal magnitudes the lower indices are pruned first', () => {
    expect(pruneMask([0.5, -0.5, 0.5, 1], 0.5)).toEqual([false, false, true, true]);
    expect(pruneMask([1, -0.5, 0.5, -0.5], 0.25)).toEqual([true, false, true, true]);
    fc.assert(
      fc.property(arbTiedWeights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, s) => {
        const keep = pruneMask(ws, s);
        // for any kept i and pruned j with equal magnitude, j < i
        for (let i = 0; i < ws.length; i++)
          for (let j = 0; j < ws.length; j++)
            if (keep[i] && !keep[j] && Math.abs(ws[i] as number) === Math.abs(ws[j] as number) && j > i) return false;
        return true;
      }),
    );
  });

  it('is deterministic and independent of the values of other ties', () => {
    fc.assert(fc.property(arbTiedWeights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, s) => JSON.stringify(pruneMask(ws, s)) === JSON.stringify(pruneMask([...ws], s))));
  });

  it('per layer: dense layers untouched, other layers hit their own target, weights zeroed where pruned', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ weights: arbWeights, dense: fc.boolean(), own: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }), { maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (layers, s) => {
          const input = layers.map((l) => ({ weights: l.weights, dense: l.dense, ...(l.own !== undefined ? { sparsity: l.own } : {}) }));
          const out = pruneLayers(input, s);
          return out.every((o, li) => {
            const l = layers[li];
            if (l === undefined) return false;
            if (l.dense) return o.pruned === 0 && o.keep.every((k) => k) && o.weights.every((w, i) => Object.is(w, l.weights[i]));
            const target = Math.round((l.own ?? s) * l.weights.length);
            return o.pruned === target && o.weights.every((w, i) => (o.keep[i] ? Object.is(w, l.weights[i]) : w === 0));
          });
        },
      ),
    );
  });

  it('the first layer and depthwise layers are dense by default', () => {
    expect(denseByDefault(0, 'conv')).toBe(true);
    expect(denseByDefault(3, 'depthwise')).toBe(true);
    expect(denseByDefault(3, 'conv')).toBe(false);
    expect(denseByDefault(3, 'pointwise')).toBe(false);
    expect(denseByDefault(9, 'linear')).toBe(false);
  });

  it('pruned-then-Po2-quantized tensors reach the sparsity exactly (Po2 zero only where pruned or w = 0)', () => {
    fc.assert(
      fc.property(arbWeights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, s) => {
        const keep = pruneMask(ws, s);
        const q = quantizePo2Tensor(ws, { range: expRangeFromBits(4) }, keep);
        const zeros = q.filter((p) => p === PO2_ZERO || p.sign === 0).length;
        const keptZeros = ws.filter((w, i) => keep[i] && w === 0).length;
        return zeros === Math.round(s * ws.length) + keptZeros;
      }),
    );
  });
});
