// The Hyperdrive engine (lib/engines/hyperdrive): M x N Tile-PUs with C FP16 lanes,
// binary weights streamed in once per layer, all feature maps on chip.
// `hashi emit designs/hyperdrive.ts --param tileRows=2 --param lanes=4 ...`
export { HyperdriveEngine } from '../lib/engines/hyperdrive/engine.ts';
export { HyperdriveEngine as default } from '../lib/engines/hyperdrive/engine.ts';
