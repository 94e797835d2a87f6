// The Hyperdrive report's figures against hand-computed values from the notes and
// ResNet-34's known shape; the CLI prints the same report as JSON.
import { describe, expect, it, vi } from 'vitest';
import { hyperdriveReport, resnet34Body } from '../../lib/engines/hyperdrive/report.ts';
import { reportHyperdriveCommand } from '../../cli/report-hyperdrive.ts';

describe('hashi report hyperdrive', () => {
  const report = hyperdriveReport(resnet34Body());

  it('has the 35 conv layers of the ResNet-34 body (32 3x3 convs in 16 blocks, 3 1x1 shortcuts)', () => {
    expect(report.layers).toHaveLength(35);
    expect(report.layers.filter((l) => l.shape.includes('1x1'))).toHaveLength(3);
  });

  it("matches the notes' example: 128 -> 128 3x3 on 28 x 28 at 7 x 7 x 16 is 8*128*9*16 conv cycles plus 8*16 epilogue", () => {
    const layer = report.layers.find((l) => l.name === 's2b2.conv1')!;
    expect(layer.patchPixels).toBe(16);
    expect(layer.cycles).toBe(8 * 128 * 9 * 16 + 8 * 16);
    expect(layer.weightBits).toBe(128 * 128 * 9);
    // On 7 x 7 maps P = 1: the port brings 16 bits every cycle.
    expect(report.layers.find((l) => l.name === 's4b2.conv1')!.weightBitsPerCycle).toBe(16);
  });

  it('totals: weight bits = the body conv weights of ResNet-34, I/O, feature memory of two 64 x 56 x 56 maps', () => {
    let weights = 0;
    for (const l of resnet34Body()) weights += l.inChannels * l.outChannels * l.kernel ** 2;
    expect(report.totals.weightBits).toBe(weights);
    // torchvision's ResNet-34 has 21,797,672 parameters: less fc (512*1000 + 1000), the stem conv (64*3*7*7)
    // and the batch norms (2 per channel, 8,512 channels).
    expect(weights).toBe(21_797_672 - 513_000 - 9_408 - 2 * 8_512);
    expect(report.totals.hyperdriveIoBits).toBe(weights + 16 * 64 * 56 * 56 + 16 * 512 * 7 * 7);
    expect(report.totals.featureMemoryBits).toBe(2 * 16 * 64 * 56 * 56);
    expect(report.totals.weightStationaryIoBits).toBeGreaterThan(3 * report.totals.hyperdriveIoBits);
    expect(report.totals.laneUtilization).toBeGreaterThan(0.99);
    expect(report.totals.laneUtilization).toBeLessThanOrEqual(1);
  });

  it('the CLI prints the table and, with --json, the report last', () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    try {
      reportHyperdriveCommand({ json: true });
    } finally {
      log.mockRestore();
    }
    expect(lines.some((l) => l.startsWith('s4b3.conv2'))).toBe(true);
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
