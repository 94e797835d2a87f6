// The memory-stationary CNN accelerator (lib/engines/ms/README.md): one cyclic
// feature memory, a Po x Px MAC array, per-layer widths, channel gating.
//   npx hashi emit designs/ms-accelerator.ts --param po=8 --param px=8
// The defaults fit msDemoShapes (a plain 5-layer CNN on 16 x 16, mixed widths) at
// Po = Px = 8, with the ring at that net's minimum size.
import { defineModule } from '../dsl/index.ts';
import { msEngineBody, msEngineDefaults, msEngineName, msMinRingWords } from '../lib/engines/ms/index.ts';
import type { MsConvShape } from '../lib/engines/ms/index.ts';

/** First and last layer at 8 bits, the middle at 4 and 2 (the notes' reproduction target). */
export const msDemoShapes: readonly MsConvShape[] = [
  { cin: 3, cout: 8, hIn: 16, wIn: 16, k: 3, stride: 1, pad: 1, inBits: 8, outBits: 4, weightBits: 8 },
  { cin: 8, cout: 16, hIn: 16, wIn: 16, k: 3, stride: 2, pad: 1, inBits: 4, outBits: 4, weightBits: 4 },
  { cin: 16, cout: 16, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 4, outBits: 2, weightBits: 2 },
  { cin: 16, cout: 16, hIn: 8, wIn: 8, k: 3, stride: 2, pad: 1, inBits: 2, outBits: 4, weightBits: 4 },
  { cin: 16, cout: 10, hIn: 4, wIn: 4, k: 1, stride: 1, pad: 0, inBits: 4, outBits: 8, weightBits: 8 },
];

const blocks = (c: number, po: number) => Math.ceil(c / po);

export const msAcceleratorDefaults = {
  ...msEngineDefaults,
  po: 8,
  px: 8,
  ringWords: msMinRingWords(msDemoShapes),
  maxLayers: 8,
  maxChannels: 16,
  maxHeight: 16,
  maxWidth: 16,
  maxKernel: 3,
  weightDepth: msDemoShapes.reduce((s, l) => s + blocks(l.cout, 8) * l.cin * l.k * l.k, 0),
  channelDepth: msDemoShapes.reduce((s, l) => s + blocks(l.cout, 8), 0),
};

export const MsAccelerator = defineModule({
  name: msEngineName,
  params: msAcceleratorDefaults,
  body: (p) => msEngineBody(p),
});

export default MsAccelerator;
