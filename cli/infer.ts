// `hashi infer MODEL.onnx --inputs FILE.npy`: parse the options, run lib's ONNX inference
// runner (hardened net in Verilator, golden model, ONNX Runtime) and print the results.
import { readNpyFile } from '../lib/util/npy.ts';
import { INFER_FORMS, inferOnnx, splitInputs, type InferForm } from '../lib/nets/onnx/infer.ts';
import { readOnnxFile } from '../lib/nets/onnx/decode.ts';
import { importOnnx } from '../lib/nets/onnx/import.ts';
import { simulate } from '../sim/index.ts';
import { cnnModule, cnnUnrolledModule } from '../designs/cnn.ts';
import { status } from './status.ts';
import { UsageError } from './usage-error.ts';

export interface InferCliOptions {
  readonly inputs?: string;
  readonly form: string;
  readonly weightBits: string;
  readonly sparsity: string;
  readonly lineBuffer: string;
  readonly reference: boolean;
  readonly json?: boolean;
}

function number(v: string, name: string, ok: (n: number) => boolean, range: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} must be ${range}, got '${v}'`);
  return n;
}

export async function inferCommand(model: string, o: InferCliOptions): Promise<void> {
  if (o.inputs === undefined) throw new UsageError('--inputs FILE.npy is required: float32 NCHW images, shape (N, C, H, W)');
  if (!INFER_FORMS.includes(o.form as InferForm)) throw new UsageError(`--form must be one of ${INFER_FORMS.join(', ')}, got '${o.form}'`);
  const lineBuffer = o.lineBuffer === 'registers' || o.lineBuffer === 'memory' ? o.lineBuffer : undefined;
  if (lineBuffer === undefined) throw new UsageError(`--line-buffer must be registers or memory, got '${o.lineBuffer}'`);
  const weightBits = number(o.weightBits, 'weight-bits', (n) => Number.isInteger(n) && n >= 2 && n <= 31, 'an integer from 2 to 31');
  const sparsity = number(o.sparsity, 'sparsity', (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
  const importOpts = { weightBits, sparsity };
  // Check the model and the inputs before the (slow) hardware build.
  const imported = importOnnx(readOnnxFile(model), importOpts);
  const npy = readNpyFile(o.inputs);
  const inputs = splitInputs(imported, npy.shape, npy.data, o.inputs);

  let clear = (): void => {};
  const progress = (line: string): void => {
    clear();
    if (line.startsWith('note:') || line.startsWith('imported')) console.error(line);
    else clear = status(line);
  };
  const r = await inferOnnx(model, inputs, {
    ...importOpts,
    form: o.form as InferForm,
    ...(o.reference ? {} : { reference: false }),
    simulate: (g) => simulate(cnnModule(g, { lineBuffer })),
    simulateUnrolled: (g) => simulate(cnnUnrolledModule(g)),
    onProgress: progress,
  });
  clear();

  const show = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
  r.outputs.forEach((y, i) => {
    const ref = r.reference?.[i];
    const ok = y.every((v, k) => v === r.golden[i]![k] && (ref === undefined || v === ref[k]));
    console.log(`input ${i}: ${ok ? 'ok' : 'MISMATCH'}`);
    console.log(`  hardware  ${show(y)}`);
    console.log(`  golden    ${show(r.golden[i]!)}`);
    console.log(`  reference ${ref === undefined ? '(ONNX Runtime not installed: npm install onnxruntime-node)' : show(ref)}`);
  });
  console.log(
    `${r.compared} output values compared, ${r.mismatches} mismatch${r.mismatches === 1 ? '' : 'es'} (hardware vs golden${r.reference ? ' and ONNX Runtime' : ''}); ${r.cyclesPerInput} cycles per input (back to back)`,
  );
  if (o.json) console.log(JSON.stringify({ outputs: r.outputs, golden: r.golden, ...(r.reference ? { reference: r.reference } : {}), mismatches: r.mismatches, cycles_per_input: r.cyclesPerInput }));
  if (r.mismatches > 0) process.exitCode = 1;
}
