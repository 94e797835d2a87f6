// `hashi report accuracy`: the accuracy sweep of train/ (`npm run train -- --sweep`,
// train/results/sweep.json) with the hardened area beside Fig. 5a's accuracy: the
// library's Po2 tree adders (lib/nets layerTreeAdders) of the same network at each
// sparsity. The sweep's pruned models are not kept (and the committed trained file is
// already 60 % sparse), so the adders are counted on the design's seeded random Po2
// weights pruned to that sparsity: the count follows the nonzero weights, not their values.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layerTreeAdders } from '../lib/index.ts';
import { mobileNetV2Build } from './mobilenetv2.ts';
import { trainedConfig, trainedFile, trainedFlexParams, trainedWeightsDir } from './trained-digits.ts';

export const sweepFile = join(trainedWeightsDir, '..', 'results', 'sweep.json');

export interface SweepResult {
  readonly network: { readonly alpha: number; readonly resolution: number; readonly blocks: number; readonly head_channels: number; readonly classes: number };
  readonly data: string;
  readonly sparsity_curve_format: string;
  readonly table5: readonly { readonly weights: string; readonly activations: string; readonly accuracy: number }[];
  readonly fig5a: readonly { readonly sparsity: number; readonly accuracy: number }[];
  readonly fig6: readonly { readonly extractor: string; readonly accuracy: number }[];
  readonly seconds: number;
}

export interface AccuracyReport extends Omit<SweepResult, 'fig5a'> {
  readonly fig5a: readonly { readonly sparsity: number; readonly accuracy: number; readonly adders: number }[];
  readonly denseAdders: number;
}

export function readSweep(path = sweepFile): SweepResult {
  if (!existsSync(path)) throw new RangeError(`no sweep results at '${path}': run \`npm run train -- --sweep\` (it writes train/results/sweep.json)`);
  return JSON.parse(readFileSync(path, 'utf8')) as SweepResult;
}

/** Tree adders of the trained network's configuration, seeded random Po2 weights, every prunable layer at `sparsity`. */
export function trainedAdders(sparsity: number): number {
  const p = trainedFlexParams(trainedConfig(trainedFile('A')), 'A');
  const { net } = mobileNetV2Build({ ...p.fe, sparsity, weights: 'random' }, p.classes);
  return layerTreeAdders(net).reduce((a, b) => a + b, 0);
}

export function accuracyReport(path = sweepFile): AccuracyReport {
  const s = readSweep(path);
  const fig5a = s.fig5a.map((r) => ({ ...r, adders: trainedAdders(r.sparsity) }));
  return { ...s, fig5a, denseAdders: fig5a.find((r) => r.sparsity === 0)?.adders ?? trainedAdders(0) };
}
