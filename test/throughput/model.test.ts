// The paper's throughput model reproduces its headline numbers from its own
// assumptions, and behaves as a model should (monotone, bounded by both limits).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAPER_ASSUMPTIONS, estimateThroughput } from '../../lib/throughput/model.ts';

describe('analytical throughput model', () => {
  it('HaShiFlex: four copies, NPU-bound at ~3300 cycles, about 1.2 M images/s', () => {
    // Four copies fill the die: each has a quarter of it.
    const e = estimateThroughput({ areaMm2: PAPER_ASSUMPTIONS.dieMm2 / 4, computeCycles: 3300, classes: 1000 });
    expect(e.copies).toBe(4);
    expect(e.bound).toBe('compute');
    expect(e.imagesPerSecond / 1e6).toBeCloseTo(1.21, 2);
  });

  it('HaShiFix: one copy, I/O-bound at ~250 cycles, about 4 M images/s', () => {
    // The fully hardened design is larger than half the die, so one copy fits;
    // ~250 I/O cycles correspond to ~548 mm^2 at the paper's bandwidth per mm^2.
    const e = estimateThroughput({ areaMm2: 548, computeCycles: 5, classes: 1000 });
    expect(e.copies).toBe(1);
    expect(e.bound).toBe('io');
    expect(e.ioCycles).toBeGreaterThanOrEqual(245);
    expect(e.ioCycles).toBeLessThanOrEqual(255);
    expect(e.imagesPerSecond / 1e6).toBeCloseTo(4.0, 1);
  });

  it('is limited by the slower of compute and I/O, and never exceeds either bound', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 850, noNaN: true }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 5000 }), (area, compute, classes) => {
        const e = estimateThroughput({ areaMm2: area, computeCycles: compute, classes });
        expect(e.cyclesPerImage).toBe(Math.max(e.ioCycles, compute));
        expect(e.imagesPerSecondPerCopy).toBeLessThanOrEqual(PAPER_ASSUMPTIONS.clockHz / compute);
        expect(e.copies * area).toBeLessThanOrEqual(PAPER_ASSUMPTIONS.dieMm2);
      }),
    );
  });

  it('rejects an accelerator that does not fit the die', () => {
    expect(() => estimateThroughput({ areaMm2: 900, computeCycles: 1, classes: 1 })).toThrow(/must be positive and fit/);
    expect(() => estimateThroughput({ areaMm2: 300, computeCycles: 1, classes: 1, copies: 3 })).toThrow(/do not fit/);
  });
});
