/**
 * `hashi infer`: an .onnx model and float inputs -> the hardened streaming net simulated in
 * Verilator, the graph's golden model, and ONNX Runtime (where installed), compared.
 */
import type { FixedTensor } from '../../golden/tensor.ts';
import { graphGolden } from '../graph-golden.ts';
import { decodeOnnx, OnnxImportError, readOnnxBytes } from './decode.ts';
import type { Graph } from '../graph.ts';
import { evaluateUnrolled, streamThrough, type NetSimulator, type StreamRun, type UnrolledNetSimulator } from './drive.ts';
import { importOnnx, outputToOnnxOrder, quantizeInput, type ImportedOnnx, type OnnxImportOptions } from './import.ts';
import { referenceRuntimeAvailable, runOnnxRuntime } from './reference.ts';

/** 'streaming': one pixel per cycle through every layer; 'unrolled': the paper's form, every layer over the whole map, combinational (small nets only). */
export type InferForm = 'streaming' | 'unrolled';
export const INFER_FORMS: readonly InferForm[] = ['streaming', 'unrolled'];

export interface InferOptions extends OnnxImportOptions {
  /**
   * Hardens the graph in the streaming form and loads its simulation (the caller composes
   * designs/cnn.ts and sim/, so lib/ stays free of both: `(g) => simulate(cnnModule(g, o))`).
   */
  readonly simulate: (g: Graph) => Promise<NetSimulator>;
  /** The same for the unrolled form (`(g) => simulate(cnnUnrolledModule(g))`); needed for form 'unrolled'. */
  readonly simulateUnrolled?: (g: Graph) => Promise<UnrolledNetSimulator>;
  readonly form?: InferForm;
  /** Compare with ONNX Runtime (default: when onnxruntime-node is installed). */
  readonly reference?: boolean;
  /** Progress lines (stages of the build, the simulation). */
  readonly onProgress?: (line: string) => void;
}

export interface InferResult {
  readonly imported: ImportedOnnx;
  /** Per input: the hardened net's outputs (dequantized, in the model's output order). */
  readonly outputs: number[][];
  readonly golden: number[][];
  /** ONNX Runtime's outputs (undefined when not run). */
  readonly reference?: number[][];
  /** Output values where the hardware differs from the golden model or from the reference. */
  readonly mismatches: number;
  /** Output values compared (inputs x outputs). */
  readonly compared: number;
  /** Cycles per input: streaming, the back-to-back run's cycles / inputs; unrolled, 1 (combinational). */
  readonly cyclesPerInput: number;
}

/** Inputs from an array of shape [N, C, H, W] or [C, H, W] (one image), checked against the model. */
export function splitInputs(imported: ImportedOnnx, shape: readonly number[], data: Float32Array, file: string): Float32Array[] {
  const [C, H, W] = imported.input.chw;
  const fits = (s: readonly number[]): boolean => s[0] === C && s[1] === H && s[2] === W;
  const images = shape.length === 4 && fits(shape.slice(1)) ? shape[0]! : shape.length === 3 && fits(shape) ? 1 : undefined;
  if (images === undefined) throw new OnnxImportError(`${file}: inputs of shape (${shape.join(', ')}); the model '${imported.input.name}' takes (N, ${C}, ${H}, ${W}) float32 NCHW images`);
  if (images === 0) throw new OnnxImportError(`${file}: no inputs (N = 0)`);
  for (const v of data) if (Number.isNaN(v)) throw new OnnxImportError(`${file}: an input value is NaN`);
  const size = C * H * W;
  return Array.from({ length: images }, (_, i) => data.subarray(i * size, (i + 1) * size));
}

export async function inferOnnx(modelPath: string, inputs: readonly Float32Array[], o: InferOptions): Promise<InferResult> {
  const say = o.onProgress ?? (() => {});
  const bytes = readOnnxBytes(modelPath);
  const imported = importOnnx(decodeOnnx(bytes, modelPath), o);
  say(`imported ${modelPath}: ${imported.graph.nodes.length} graph nodes, ${imported.layers.length} conv/linear layers (${imported.layers.reduce((a, l) => a + l.nonzero, 0)} nonzero Po2 weights)`);
  for (const n of imported.notes) say(`note: ${n}`);

  const quantized: FixedTensor[] = inputs.map((x) => quantizeInput(imported, x));
  const golden = quantized.map((q) => outputToOnnxOrder(imported, graphGolden(imported.graph, q).output));

  let reference: number[][] | undefined;
  if (o.reference ?? (await referenceRuntimeAvailable())) {
    say('running ONNX Runtime (graph optimizations off)');
    const [C, H, W] = imported.input.chw;
    reference = (await runOnnxRuntime(bytes, inputs, [1, C, H, W])).outputs.map((y) => [...y]);
  }

  const form = o.form ?? 'streaming';
  const outT = imported.info.tensors.get(imported.graph.output)!;
  say(`building the hardened net, ${form} form (elaborate, firtool, Verilator)`);
  let run: StreamRun;
  if (form === 'unrolled') {
    const build = o.simulateUnrolled ?? ((): never => {
      throw new RangeError('inferOnnx: form unrolled needs the simulateUnrolled option');
    });
    const sim = await build(imported.graph);
    try {
      say(`evaluating ${inputs.length} input${inputs.length === 1 ? '' : 's'}`);
      run = evaluateUnrolled(sim, quantized);
    } finally {
      sim.close();
    }
  } else {
    const sim = await o.simulate(imported.graph);
    try {
      say(`simulating ${inputs.length} input${inputs.length === 1 ? '' : 's'} back to back`);
      run = streamThrough(sim, quantized, outT.shape[0] * outT.shape[1]);
    } finally {
      sim.close();
    }
  }
  const outputs = run.outputs.map((data) => outputToOnnxOrder(imported, { shape: outT.shape, fmt: outT.fmt, data }));
  const cycles = run.cycles;
  let mismatches = 0;
  outputs.forEach((y, i) =>
    y.forEach((v, k) => {
      if (v !== golden[i]![k] || (reference !== undefined && v !== reference[i]![k])) mismatches++;
    }),
  );
  return {
    imported,
    outputs,
    golden,
    ...(reference === undefined ? {} : { reference }),
    mismatches,
    compared: outputs.length * (outputs[0]?.length ?? 0),
    cyclesPerInput: cycles / inputs.length,
  };
}
