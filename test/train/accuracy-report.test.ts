// `hashi report accuracy`'s data: the committed sweep (train/results/sweep.json) with the
// library's adder counts beside Fig. 5a.
import { describe, expect, it } from 'vitest';
import { accuracyReport } from '../../designs/accuracy-report.ts';

describe('accuracy report', () => {
  it('has the three tables, and the hardened adders fall as sparsity rises', () => {
    const r = accuracyReport();
    expect(r.table5.map((t) => `${t.weights}/${t.activations}`)).toEqual(['FP32/FP32', 'W8/Q3.5', 'W7/Q3.4', 'W7/Q2.5', 'W6/Q3.3', 'W6/Q2.4', 'W5/Q3.2']);
    expect(r.fig5a.map((f) => f.sparsity)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    for (let i = 1; i < r.fig5a.length; i++) expect(r.fig5a[i]!.adders).toBeLessThan(r.fig5a[i - 1]!.adders);
    expect(r.fig6).toHaveLength(3);
    for (const a of [...r.table5, ...r.fig5a, ...r.fig6].map((x) => x.accuracy)) expect(a).toBeGreaterThan(0.2); // above chance (5 classes)
  }, 120_000);
});
