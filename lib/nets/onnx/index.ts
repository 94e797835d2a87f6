// The ONNX importer's public API (re-exported by lib/index.ts).
export { decodeOnnx, readOnnxFile, readOnnxBytes, OnnxImportError, DEFAULT_ONNX_LIMITS, type OnnxLimits, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxAttribute, type OnnxValueInfo } from './decode.ts';
export { encodeOnnx, type OnnxModelSpec, type OnnxNodeSpec, type OnnxTensorSpec, type OnnxAttributeValue } from './encode.ts';
export { importOnnx, quantizeInput, quantizeHalfEven, outputToOnnxOrder, type ImportedOnnx, type ImportedLayer, type OnnxImportOptions } from './import.ts';
export { runOnnxRuntime, referenceRuntimeAvailable, type ReferenceRun } from './reference.ts';
export { streamThrough, evaluateUnrolled, type NetSimulator, type UnrolledNetSimulator, type StreamingNetPorts, type StreamRun } from './drive.ts';
export { inferOnnx, splitInputs, INFER_FORMS, type InferForm, type InferOptions, type InferResult } from './infer.ts';
export { OnnxDataType } from './schema.ts';
