// ONNX Runtime as the reference nobody here wrote: runs a model file on float inputs. Graph
// optimizations are off, because its QDQ rewrites change the model's exact results
// (shared/references.md). onnxruntime-node is an optional dependency, loaded on first use.
export interface ReferenceRun {
  /** One flat float32 output (of the model's first output) per input. */
  readonly outputs: Float32Array[];
  readonly outputDims: readonly number[];
}

/** Whether onnxruntime-node is installed (it is an optional dependency). */
export async function referenceRuntimeAvailable(): Promise<boolean> {
  try {
    await import('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `model` (the .onnx bytes) on each input, one at a time (batch 1), shape `inputDims`
 * (NCHW with N = 1). Returns the first output of each run.
 */
export async function runOnnxRuntime(model: Uint8Array, inputs: readonly Float32Array[], inputDims: readonly number[]): Promise<ReferenceRun> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled', executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const inName = session.inputNames[0];
    const outName = session.outputNames[0];
    if (inName === undefined || outName === undefined) throw new RangeError('the model has no input or no output');
    const outputs: Float32Array[] = [];
    let outputDims: readonly number[] = [];
    for (const x of inputs) {
      const feeds = { [inName]: new ort.Tensor('float32', x, [...inputDims]) };
      const result = await session.run(feeds);
      const y = result[outName];
      if (y === undefined || y.type !== 'float32') throw new RangeError(`output '${outName}' is not a float32 tensor`);
      outputs.push(Float32Array.from(y.data as Float32Array));
      outputDims = y.dims;
    }
    return { outputs, outputDims };
  } finally {
    await session.release();
  }
}
