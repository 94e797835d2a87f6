// Public API of the hashi library. A plain list of re-exports: add new modules below.

// Integer-exact reference arithmetic (no hardware): fixed point, Po2 weights,
// batch-norm folding, golden integer models.
export * from './fixed/bigint.ts';
export * from './fixed/format.ts';
export * from './fixed/quantize.ts';
export * from './fixed/fixed.ts';
export * from './fixed/rounding.ts';
export * from './fixed/activation.ts';
export * from './po2/po2.ts';
export * from './po2/round-log2.ts';
export * from './po2/exp-range.ts';
export * from './po2/quantize.ts';
export * from './po2/prune.ts';
export * from './util/prng.ts';
export * from './util/random-data.ts';
export * from './bn/quantize-bn.ts';
export * from './bn/affine.ts';
export * from './bn/fold.ts';
export * from './golden/accumulate.ts';
export * from './golden/dot.ts';
export * from './golden/tensor.ts';
export * from './golden/geometry.ts';
export * from './golden/conv.ts';
export * from './golden/post.ts';
export * from './golden/pool.ts';
export * from './golden/residual.ts';

// IEEE binary16 arithmetic: the exact software model and the hardware units.
export * from './float/fp16-model.ts';
export * from './float/fp16.ts';

// Hardened Po2 hardware (built on dsl/index.ts): adder trees, unrolled layers.
export * from './hw/adder-tree.ts';
export * from './hw/post.ts';
export * from './hw/dot-module.ts';
export * from './hw/layers.ts';
export * from './hw/weights.ts';
export * from './hw/pool.ts';
export * from './hw/streaming.ts';

// Weights in: safetensors files, the MobileNetV2 topology, import (BN fold + Po2).
export * from './weights/dtypes.ts';
export * from './weights/tensor.ts';
export * from './weights/safetensors-read.ts';
export * from './weights/safetensors-write.ts';
export * from './weights/safetensors-file.ts';

// Programmable classifier NPU (HaShiFlex): output-stationary MAC lanes, run-time writable weights.
export * from './npu/cycles.ts';
export * from './npu/golden.ts';
export * from './npu/npu.ts';
export * from './weights/mobilenetv2.ts';
export * from './hw/streaming-more.ts';
export * from './weights/random-state-dict.ts';
export * from './weights/layout.ts';
export * from './weights/import.ts';
export * from './nets/mobilenetv2.ts';
export * from './weights/forward.ts';
export * from './throughput/model.ts';
export * from './nets/classifier.ts';
export * from './nets/unrolled.ts';
export * from './nets/graph.ts';
export * from './nets/graph-golden.ts';
export * from './hw/streaming-pool.ts';
export * from './nets/graph-streaming.ts';
export * from './nets/graph-weights.ts';
export * from './nets/families.ts';
export * from './nets/graph-cost.ts';
export * from './nets/family-report.ts';
export * from './engines/ms/index.ts';
export * from './nets/onnx/index.ts';
export * from './util/npy.ts';
export * from './nets/tree-adders.ts';
export * from './nets/graph-unrolled.ts';
export * from './nets/graph-layers.ts';
