// `hashi report ms`'s measurements on a small engine (Po = Px = 4, 8x8 net):
// every run bit-exact, and each comparison equal to what the plan and the
// schedule model say (so the printed ratios are the engine's, not made up).
import { describe, expect, it } from 'vitest';
import { msReport, teacherPingPongWords } from '../../../designs/ms-report.ts';
import { msMemoryPlan, msMinRingWords, msNetSchedule, msRandomNet, msSumCounts } from '../../../lib/engines/ms/index.ts';
import type { MsConvShape } from '../../../lib/engines/ms/index.ts';

const shapes: MsConvShape[] = [
  { cin: 3, cout: 6, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 8, outBits: 4, weightBits: 8 },
  { cin: 6, cout: 6, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 4, outBits: 2, weightBits: 4 },
  { cin: 6, cout: 8, hIn: 8, wIn: 8, k: 3, stride: 2, pad: 1, inBits: 2, outBits: 8, weightBits: 8 },
];

describe('hashi report ms (small engine)', () => {
  it('measures every comparison on the engine, bit-exact', async () => {
    const report = await msReport({ shapes, po: 4, px: 4, seed: 3, deadFraction: 0.34, student: false });
    expect(report.bitExact).toBe(true);
    const byMetric = (s: string) => report.comparisons.find((c) => c.metric.startsWith(s))!;
    // Memory: the rule's ring against ping-pong (with a shortcut around the same-shape layer 1).
    const ring = msMinRingWords(shapes);
    const plan = msMemoryPlan(shapes, { ringWords: ring });
    expect(byMetric('random net: feature words, cyclic ring vs ping-pong pair').baseline).toBe(plan.pingPongWords);
    expect(teacherPingPongWords(shapes)).toBe(plan.pingPongWords + plan.layers[1]!.inWords);
    expect(byMetric('random net: feature words, cyclic ring vs ping-pong + shortcut').ours).toBe(ring);
    expect(report.student).toBeUndefined();
    // Cycles and accesses: the engine's counters equal the schedule model.
    const { layers, input } = msRandomNet(shapes, { seed: 3, deadFraction: 0.34 });
    const model = (gating: boolean, lineRegister: boolean) => msSumCounts(msNetSchedule(layers, input, { po: 4, px: 4, gating, lineRegister }));
    expect(report.runs.mixedGated.cycles).toBe(model(true, true).cycles);
    expect(report.runs.mixedUngated.cycles).toBe(model(false, true).cycles);
    expect(report.runs.mixedNoLineRegister.reads).toBe(model(false, false).reads);
    const gating = byMetric('cycles per image: gating on vs off');
    expect(gating.ratio).toBeGreaterThan(1);
    expect(gating.baseline - gating.ours).toBe(model(true, true).skippedCycles);
    expect(byMetric('feature-memory accesses (reads + writes): line register').ratio).toBeGreaterThan(0.5);
  });
});
