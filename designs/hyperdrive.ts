// The Hyperdrive engine (lib/engines/hyperdrive): M x N Tile-PUs with C FP16 lanes,
// binary weights streamed in once per layer, all feature maps on chip; and a mesh of
// such chips exchanging borders after each layer.
// `hashi emit designs/hyperdrive.ts --top HyperdriveEngine --param tileRows=2 --param lanes=4 ...`
// `hashi emit designs/hyperdrive.ts --top HyperdriveMesh --param meshRows=2 --param meshCols=2 ...`
export { HyperdriveEngine } from '../lib/engines/hyperdrive/engine.ts';
export { HyperdriveMesh } from '../lib/engines/hyperdrive/mesh.ts';
