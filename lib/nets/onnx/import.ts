/**
 * A decoded ONNX model (QDQ form, Po2 activation scales) -> a hashi network graph (lib/nets/graph.ts).
 *
 * How ONNX patterns map to graph nodes (lib/nets/onnx/README.md has the full table):
 * - the model input's QuantizeLinear: the graph input's format (the value is quantized on entry,
 *   half-even, as ONNX does: `quantizeInput`);
 * - QuantizeLinear(x) of a computed tensor: a `requantize` node, rounding 'half-even'; an int8
 *   zero point gives an 8-bit format Q(8-n).n, an int16 one (opset 21) a 16-bit Q(16-n).n;
 * - Mul(2^n) -> Floor -> Mul(2^-n) (or Div(2^n)) -> QuantizeLinear(scale 2^-n): one `requantize`
 *   node with rounding 'floor' (the library's shift rule, written out in ONNX);
 * - DequantizeLinear of a QuantizeLinear output with the same scale: the same tensor (no node);
 * - Conv / Gemm / MatMul with constant weights: conv / linear nodes (the exact accumulator);
 *   BatchNormalization right after a Conv is folded into its float weights and bias first;
 * - Relu, Clip(0, 6) / Clip: relu, relu6, clip; Add: add (exact); MaxPool: maxPool;
 *   AveragePool / GlobalAveragePool followed by QuantizeLinear: one avgPool / globalAvgPool node
 *   requantized half-even (or floor, through the floor pattern); Flatten / Reshape to [N, -1]: flatten (a Gemm after a flatten of an
 *   H x W map gets its weight columns permuted from CHW to HWC order).
 * Anything else is an OnnxImportError naming the node, its op type and the offending attribute.
 */
import { formatForRange, rawMax, rawMin, qformat, type QFormat } from '../../fixed/format.ts';
import { quantizeReal } from '../../fixed/quantize.ts';
import type { BiasVector } from '../../golden/conv.ts';
import type { FixedTensor, Shape3 } from '../../golden/tensor.ts';
import { expRangeFromBits } from '../../po2/exp-range.ts';
import type { Po2 } from '../../po2/po2.ts';
import { denseByDefault, pruneMask } from '../../po2/prune.ts';
import { quantizePo2Tensor } from '../../po2/quantize.ts';
import { floorLog2 } from '../../po2/round-log2.ts';
import { GraphBuilder, GraphError, inferGraph, type Graph, type GraphInfo, type LayerParams, type Requant } from '../graph.ts';
import { OnnxImportError, type OnnxModel, type OnnxNode, type OnnxTensor } from './decode.ts';
import { OnnxDataType } from './schema.ts';

export interface OnnxImportOptions {
  /** Po2 weight bit-width for float weights that are not already Po2 (default 5: exponents [-14, 0]). */
  readonly weightBits?: number;
  /** Unstructured sparsity of float layers that are quantized (default 0; the first and depthwise layers stay dense). */
  readonly sparsity?: number;
  /** Below the exponent range: 'clamp' (default) or 'flush' to zero. */
  readonly underflow?: 'clamp' | 'flush';
  /** Format of biases that are not exact binary fractions of at most 32 fraction bits (default Q8.8, floor). */
  readonly biasFormat?: QFormat;
}

/** What happened to one conv / linear layer's parameters. */
export interface ImportedLayer {
  readonly node: string;
  readonly onnxNode: string;
  /** 'exact': every weight was already 0 or +-2^e; 'quantized': float weights through the Po2 rules. */
  readonly weights: 'exact' | 'quantized';
  readonly bias: 'none' | 'exact' | 'quantized';
  readonly nonzero: number;
}

export interface ImportedOnnx {
  readonly graph: Graph;
  readonly info: GraphInfo;
  /** The model's input: NCHW dims [C, H, W] and the entry quantization. */
  readonly input: { readonly name: string; readonly chw: readonly [number, number, number]; readonly fmt: QFormat };
  /** The model's output name and how the graph output maps to it: NCHW [C, H, W] or a vector [N]. */
  readonly output: { readonly name: string; readonly dims: readonly number[] };
  readonly layers: readonly ImportedLayer[];
  /** Things the user should know (e.g. float weights quantized, float32 sums that may round in a float runtime). */
  readonly notes: readonly string[];
}

/** A float32 activation quantized as ONNX QuantizeLinear does: round half to even, saturate. */
export function quantizeHalfEven(x: number, fmt: QFormat): bigint {
  if (Number.isNaN(x)) throw new RangeError('quantizeHalfEven: NaN input');
  const v = x * 2 ** fmt.frac;
  const lo = rawMin(fmt);
  const hi = rawMax(fmt);
  if (!Number.isFinite(v)) return v > 0 ? hi : lo;
  const f = Math.floor(v);
  const d = v - f;
  const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  const b = BigInt(r);
  return b < lo ? lo : b > hi ? hi : b;
}

/** NCHW float32 input (one image) -> the graph's HWC input tensor, quantized on entry. */
export function quantizeInput(m: ImportedOnnx, x: ArrayLike<number>): FixedTensor {
  const [C, H, W] = m.input.chw;
  if (x.length !== C * H * W) throw new RangeError(`an input has ${x.length} values, the model takes ${C} x ${H} x ${W} = ${C * H * W}`);
  const data: bigint[] = new Array<bigint>(C * H * W);
  for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) data[(y * W + xx) * C + c] = quantizeHalfEven(x[(c * H + y) * W + xx] as number, m.input.fmt);
  return { shape: [H, W, C], fmt: m.input.fmt, data };
}

/** The graph output (HWC raw) as the model's output order (NCHW flattened), dequantized. */
export function outputToOnnxOrder(m: ImportedOnnx, t: FixedTensor): number[] {
  const [H, W, C] = t.shape;
  const out: number[] = new Array<number>(H * W * C);
  const scale = 2 ** -t.fmt.frac;
  for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(c * H + y) * W + x] = Number(t.data[(y * W + x) * C + c]) * scale;
  return out;
}

// ---- values flowing between ONNX nodes during the import ----------------------------------------

/** Layout of a graph tensor seen from ONNX: NCHW [C, H, W], or 2-D [K] (after a flatten of c x h x w). */
type Layout = { readonly rank: 4; readonly chw: readonly [number, number, number] } | { readonly rank: 2; readonly k: number; readonly from: readonly [number, number, number] };

type Value =
  /** The float model input (only a QuantizeLinear may read it). */
  | { readonly kind: 'modelInput' }
  /** A constant (initializer, Constant node, or DQ / Q of one), row-major in ONNX order. */
  | { readonly kind: 'const'; readonly dims: readonly number[]; readonly values: Float64Array; readonly dataType: number; readonly scale?: number }
  /** The int8 / int16 output of a QuantizeLinear: graph tensor `t` with format `fmt`. */
  | { readonly kind: 'int'; readonly t: string; readonly fmt: QFormat; readonly layout: Layout }
  /** A float tensor exactly equal to graph tensor `t`'s real value. */
  | { readonly kind: 'real'; readonly t: string; readonly layout: Layout }
  /** Average pooling waiting for the QuantizeLinear that sets its output format. */
  | { readonly kind: 'pool'; readonly onnx: OnnxNode; readonly t: string; readonly layout: Layout; readonly global: boolean }
  /** Steps of the floor pattern: t * 2^n, floor(t * 2^n), floor(t * 2^n) * 2^-n (of an average pool's output when `pool` is set). */
  | { readonly kind: 'scaled' | 'floored' | 'flooredBack'; readonly onnx: OnnxNode; readonly t: string; readonly layout: Layout; readonly n: number; readonly pool?: Extract<Value, { kind: 'pool' }> };

function isPo2Value(v: number): boolean {
  if (v === 0) return true;
  const a = Math.abs(v);
  return Number.isFinite(a) && 2 ** floorLog2(a) === a;
}

/** Fraction bits needed to write v exactly (a float32 or double is a binary fraction), capped. */
function fracBits(v: number, cap: number): number | undefined {
  for (let f = -64; f <= cap; f++) if (Number.isInteger(v * 2 ** f)) return f;
  return undefined;
}

/** Activation types by their zero point's ONNX type: int8, and int16 (opset 21) for wide tensors such as scores. */
const ACTIVATION_BITS: ReadonlyMap<number, number> = new Map([
  [OnnxDataType.INT8, 8],
  [OnnxDataType.INT16, 16],
]);

export function importOnnx(model: OnnxModel, opts: OnnxImportOptions = {}): ImportedOnnx {
  const file = model.file;
  const top: (msg: string) => never = (msg) => {
    throw new OnnxImportError(`${file}: ${msg}`);
  };
  const weightRange = expRangeFromBits(opts.weightBits ?? 5);
  const sparsity = opts.sparsity ?? 0;
  if (!(sparsity >= 0 && sparsity <= 1)) top(`sparsity must be in [0, 1], got ${sparsity}`);
  const biasFormat = opts.biasFormat ?? qformat(8, 8);
  const underflow = opts.underflow ?? 'clamp';

  if (model.inputs.length !== 1) top(`the model has ${model.inputs.length} inputs; hashi imports models with exactly one image input`);
  if (model.outputs.length !== 1) top(`the model has ${model.outputs.length} outputs; hashi imports models with exactly one output`);
  const modelIn = model.inputs[0]!;
  const modelOut = model.outputs[0]!;
  const inShape = modelIn.shape ?? top(`input '${modelIn.name}' has no shape: export the model with a fixed input shape [1, C, H, W]`);
  if (inShape.length !== 4) top(`input '${modelIn.name}' has shape [${inShape.join(', ')}]; hashi takes one NCHW image [1, C, H, W]`);
  const [, C0, H0, W0] = inShape;
  if (typeof C0 !== 'number' || typeof H0 !== 'number' || typeof W0 !== 'number' || C0 < 1 || H0 < 1 || W0 < 1)
    top(`input '${modelIn.name}' shape [${inShape.join(', ')}]: C, H and W must be fixed positive numbers (only the batch may be symbolic)`);
  const chw0: [number, number, number] = [C0 as number, H0 as number, W0 as number];

  // Nodes the output depends on (anything else is ignored); ONNX requires topological order.
  const producer = new Map<string, OnnxNode>();
  for (const n of model.nodes) for (const o of n.outputs) if (o !== '') producer.set(o, n);
  const needed = new Set<OnnxNode>();
  const stack = [modelOut.name];
  while (stack.length > 0) {
    const p = producer.get(stack.pop()!);
    if (p === undefined || needed.has(p)) continue;
    needed.add(p);
    for (const i of p.inputs) if (i !== '') stack.push(i);
  }
  const consumers = new Map<string, number>();
  for (const n of model.nodes) if (needed.has(n)) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);

  const values = new Map<string, Value>();
  values.set(modelIn.name, { kind: 'modelInput' });
  for (const [name, t] of model.initializers) values.set(name, { kind: 'const', dims: t.dims, values: t.values, dataType: t.dataType });

  let builder: GraphBuilder | undefined;
  let inputFmt: QFormat | undefined;
  const layers: ImportedLayer[] = [];
  const notes: string[] = [];
  const usedNames = new Set<string>();
  const uniqueName = (base: string): string => {
    const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, 'n_$1') || 'node';
    let name = clean;
    for (let i = 2; usedNames.has(name); i++) name = `${clean}_${i}`;
    usedNames.add(name);
    return name;
  };
  let layerIndex = 0;

  for (const node of model.nodes) {
    if (!needed.has(node)) continue;
    const label = `node '${node.name || node.outputs[0] || '?'}' (${node.opType})`;
    const fail: (msg: string) => never = (msg) => {
      throw new OnnxImportError(`${file}: ${label}: ${msg}`);
    };
    if (node.domain !== '' && node.domain !== 'ai.onnx') fail(`operator domain '${node.domain}' is not supported (only the standard ONNX operators)`);
    const input = (i: number, what: string): Value => {
      const name = node.inputs[i];
      if (name === undefined || name === '') return fail(`missing input ${i} (${what})`);
      return values.get(name) ?? fail(`input '${name}' is not defined before this node (the graph must be in topological order)`);
    };
    const optionalInput = (i: number): Value | undefined => {
      const name = node.inputs[i];
      return name === undefined || name === '' ? undefined : (values.get(name) ?? fail(`input '${name}' is not defined before this node`));
    };
    const real = (i: number, what: string): Extract<Value, { kind: 'real' }> => {
      const v = input(i, what);
      if (v.kind === 'real') return v;
      if (v.kind === 'int') return fail(`input ${i} ('${node.inputs[i]}') is the integer output of a QuantizeLinear: put a DequantizeLinear before ${node.opType}`);
      if (v.kind === 'modelInput') return fail(`reads the float model input directly: hashi needs a QuantizeLinear (with a Po2 scale) on the input first`);
      if (v.kind === 'pool') return fail(`reads the output of average pooling '${v.onnx.name}' before it is quantized: put a QuantizeLinear (Po2 scale) right after the pool`);
      if (v.kind === 'const') return fail(`input ${i} ('${node.inputs[i]}') is a constant; hashi expects the activation tensor there`);
      return fail(`input ${i} ('${node.inputs[i]}') is part of a floor pattern (Mul 2^n -> Floor -> Mul 2^-n -> QuantizeLinear) that ends elsewhere`);
    };
    const constant = (i: number, what: string): Extract<Value, { kind: 'const' }> => {
      const v = input(i, what);
      if (v.kind !== 'const') return fail(`input ${i} (${what}, '${node.inputs[i]}') must be a constant (an initializer, possibly through DequantizeLinear)`);
      return v;
    };
    const scalar = (i: number, what: string): number => {
      const c = constant(i, what);
      if (c.values.length !== 1) fail(`${what} must be one number (per-tensor), got ${c.values.length} values`);
      return c.values[0]!;
    };
    const attr = (name: string) => node.attributes.get(name);
    const intAttr = (name: string, dflt: number): number => {
      const a = attr(name);
      if (a === undefined) return dflt;
      if (a.kind !== 'int') return fail(`attribute '${name}' must be an integer`);
      return a.value;
    };
    const intsAttr = (name: string): readonly number[] | undefined => {
      const a = attr(name);
      if (a === undefined) return undefined;
      if (a.kind !== 'ints') return fail(`attribute '${name}' must be a list of integers`);
      return a.value;
    };
    const floatAttr = (name: string, dflt: number): number => {
      const a = attr(name);
      if (a === undefined) return dflt;
      if (a.kind !== 'float') return fail(`attribute '${name}' must be a float`);
      return a.value;
    };
    const onlyAttrs = (allowed: readonly string[]): void => {
      for (const k of node.attributes.keys()) if (!allowed.includes(k)) fail(`attribute '${k}' is not supported (supported: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`);
    };
    const b = (): GraphBuilder => builder ?? fail('comes before the model input is quantized: the first node on the input must be a QuantizeLinear');
    const wrap = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (e instanceof GraphError || e instanceof RangeError) fail(e.message);
        throw e;
      }
    };
    const out = (v: Value): void => {
      const o = node.outputs[0];
      if (o === undefined || o === '') fail('has no output');
      for (const extra of node.outputs.slice(1)) if (extra !== '' && (consumers.get(extra) ?? 0) > 0) fail(`output '${extra}' is used; hashi supports only the first output of ${node.opType}`);
      values.set(o as string, v);
    };
    const po2Scale = (s: number, what: string): number => {
      if (!(s > 0) || !isPo2Value(s)) fail(`${what} ${s} is not a power of two: hashi needs power-of-two activation scales (2^-n); quantize the model with Po2 scales`);
      return -floorLog2(s);
    };
    /** Checks the zero point (input i) and returns the quantized type's width in bits (8 when absent, as ONNX's uint8 default is refused later). */
    const zeroPoint = (i: number): number => {
      const z = optionalInput(i);
      if (z === undefined) return 8;
      if (z.kind !== 'const') fail('the zero point must be a constant');
      const zc = z as Extract<Value, { kind: 'const' }>;
      const bits = ACTIVATION_BITS.get(zc.dataType);
      if (bits === undefined) fail(`zero point of ONNX type ${zc.dataType}: hashi takes int8 or int16 activations (symmetric, zero point 0); unsigned types are not supported`);
      if (zc.values.some((v) => v !== 0)) fail(`zero point ${[...zc.values].join(', ')} is not 0: hashi needs symmetric quantization (zero point 0)`);
      return bits!;
    };

    switch (node.opType) {
      case 'Identity':
        onlyAttrs([]);
        out(input(0, 'x'));
        break;
      case 'Constant': {
        onlyAttrs(['value']);
        const a = attr('value');
        if (a?.kind !== 'tensor') fail(`attribute 'value' must be a tensor (value_float, value_ints ... are not supported)`);
        const t = (a as { kind: 'tensor'; value: OnnxTensor }).value;
        out({ kind: 'const', dims: t.dims, values: t.values, dataType: t.dataType });
        break;
      }
      case 'QuantizeLinear': {
        onlyAttrs(['axis', 'saturate']);
        const x = input(0, 'x');
        if (x.kind === 'const') {
          // Weights quantized inside the model: compute the integers exactly as ONNX does.
          const s = constant(1, 'y_scale');
          const bits = zeroPoint(2);
          const per = s.values.length;
          const axis = intAttr('axis', 1);
          const q = new Float64Array(x.values.length);
          const inner = x.dims.slice((axis < 0 ? axis + x.dims.length : axis) + 1).reduce((p, d) => p * d, 1);
          for (let i = 0; i < q.length; i++) {
            const sc = s.values[per === 1 ? 0 : Math.floor(i / inner) % per]!;
            q[i] = Number(quantizeHalfEven(x.values[i]! / sc, qformat(bits, 0)));
          }
          out({ kind: 'const', dims: x.dims, values: q, dataType: bits === 8 ? OnnxDataType.INT8 : OnnxDataType.INT16 });
          break;
        }
        const n = po2Scale(scalar(1, 'y_scale'), 'activation scale (y_scale)');
        const bits = zeroPoint(2);
        if (optionalInput(2) === undefined) fail('needs an int8 or int16 zero point (0) as its third input: without one ONNX quantizes to uint8, which hashi does not support');
        const fmt = qformat(bits - n, n);
        if (x.kind === 'modelInput') {
          if (builder !== undefined) fail('the model input is quantized twice');
          inputFmt = fmt;
          builder = new GraphBuilder(graphName(file), { name: uniqueName(modelIn.name), shape: [chw0[1], chw0[2], chw0[0]], fmt });
          out({ kind: 'int', t: builder.input, fmt, layout: { rank: 4, chw: chw0 } });
          break;
        }
        const requant: Requant = { fmt, rounding: 'half-even', saturation: 'full' };
        const name = uniqueName(node.name || node.outputs[0] || 'quantize');
        if (x.kind === 'pool') {
          const p = x.onnx;
          const t = wrap(() => (x.global ? b().globalAvgPool(name, x.t, requant) : poolNode(b(), name, x.t, p, requant, file)));
          const s = b().shape(t);
          out({ kind: 'int', t, fmt, layout: { rank: 4, chw: [s[2], s[0], s[1]] } });
          break;
        }
        if (x.kind === 'flooredBack') {
          if (x.n !== n) fail(`the floor pattern before it floors to 2^-${x.n}, its scale is 2^-${n}: they must match for a floor requantization`);
          const floorRequant: Requant = { ...requant, rounding: 'floor' };
          const p = x.pool;
          const t = wrap(() => (p === undefined ? b().requantize(name, x.t, floorRequant) : p.global ? b().globalAvgPool(name, p.t, floorRequant) : poolNode(b(), name, p.t, p.onnx, floorRequant, file)));
          if (p !== undefined) {
            const s = b().shape(t);
            out({ kind: 'int', t, fmt, layout: { rank: 4, chw: [s[2], s[0], s[1]] } });
            break;
          }
          out({ kind: 'int', t, fmt, layout: x.layout });
          break;
        }
        const r = real(0, 'x');
        const t = wrap(() => b().requantize(name, r.t, requant));
        out({ kind: 'int', t, fmt, layout: r.layout });
        break;
      }
      case 'DequantizeLinear': {
        onlyAttrs(['axis']);
        const x = input(0, 'x');
        if (x.kind === 'const') {
          const s = constant(1, 'x_scale');
          const z = optionalInput(2);
          const zc = z?.kind === 'const' ? z.values : undefined;
          const per = s.values.length;
          const axis = intAttr('axis', 1);
          const inner = x.dims.slice((axis < 0 ? axis + x.dims.length : axis) + 1).reduce((p, d) => p * d, 1);
          const v = new Float64Array(x.values.length);
          for (let i = 0; i < v.length; i++) {
            const k = per === 1 ? 0 : Math.floor(i / inner) % per;
            v[i] = (x.values[i]! - (zc === undefined ? 0 : (zc[zc.length === 1 ? 0 : k] ?? 0))) * s.values[k]!;
          }
          out({ kind: 'const', dims: x.dims, values: v, dataType: OnnxDataType.FLOAT });
          break;
        }
        if (x.kind !== 'int') fail(`input '${node.inputs[0]}' is not the output of a QuantizeLinear nor a constant`);
        const xi = x as Extract<Value, { kind: 'int' }>;
        const n = po2Scale(scalar(1, 'x_scale'), 'activation scale (x_scale)');
        zeroPoint(2);
        if (n !== xi.fmt.frac) fail(`scale 2^-${n} differs from its QuantizeLinear's 2^-${xi.fmt.frac}: hashi needs the same scale on both sides of a Q/DQ pair`);
        out({ kind: 'real', t: xi.t, layout: xi.layout });
        break;
      }
      case 'BatchNormalization':
        return fail('reached without a Conv right before it: hashi folds BatchNormalization only into the Conv it follows (Conv -> BatchNormalization, the Conv output used only there)');
      case 'Conv': {
        onlyAttrs(['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad']);
        const x = real(0, 'X');
        if (x.layout.rank !== 4) fail('input must be an NCHW tensor');
        const C = (x.layout as { chw: readonly [number, number, number] }).chw[0];
        const Wc = constant(1, 'W');
        let weights = Wc.values;
        let bias = node.inputs.length > 2 && node.inputs[2] !== '' ? constant(2, 'B').values : undefined;
        if (Wc.dims.length !== 4) fail(`weights '${node.inputs[1]}' have dims [${Wc.dims.join(', ')}]; a 2-D Conv needs [O, I/groups, k, k]`);
        const [O, Ig, kh, kw] = Wc.dims as [number, number, number, number];
        const autoPad = attr('auto_pad');
        if (autoPad !== undefined && !(autoPad.kind === 'string' && (autoPad.value === 'NOTSET' || autoPad.value === 'VALID')))
          fail(`attribute 'auto_pad' = '${autoPad.kind === 'string' ? autoPad.value : '?'}' is not supported: export with explicit 'pads'`);
        const ks = intsAttr('kernel_shape') ?? [kh, kw];
        if (ks.length !== 2 || ks[0] !== ks[1] || ks[0] !== kh || kw !== kh) fail(`attribute 'kernel_shape' [${ks.join(', ')}] (weights ${kh} x ${kw}): only square 2-D kernels are supported`);
        const strides = intsAttr('strides') ?? [1, 1];
        if (strides.length !== 2 || strides[0] !== strides[1] || (strides[0] !== 1 && strides[0] !== 2)) fail(`attribute 'strides' [${strides.join(', ')}]: only strides 1 or 2, equal in both axes`);
        const pads = intsAttr('pads') ?? [0, 0, 0, 0];
        if (pads.length !== 4 || pads.some((p) => p !== pads[0])) fail(`attribute 'pads' [${pads.join(', ')}]: only equal padding on all four sides is supported`);
        const dil = intsAttr('dilations') ?? [1, 1];
        if (dil.some((d) => d !== 1)) fail(`attribute 'dilations' [${dil.join(', ')}]: only dilation 1 is supported`);
        const group = intAttr('group', 1);
        if (group < 1 || C % group !== 0 || Ig !== C / group) fail(`attribute 'group' ${group} does not match input channels ${C} and weights [${Wc.dims.join(', ')}]`);
        // BatchNormalization right after: fold into the float weights and bias.
        const o0 = node.outputs[0] ?? '';
        const next = model.nodes.find((m) => needed.has(m) && m.inputs[0] === o0);
        let outName = o0;
        if (next !== undefined && next.opType === 'BatchNormalization' && consumers.get(o0) === 1) {
          const bn = foldBatchNorm(next, O, Ig * kh * kw, weights, bias, values, file);
          weights = bn.weights;
          bias = bn.bias;
          outName = next.outputs[0] ?? o0;
          needed.delete(next);
        }
        const kind = group === 1 ? (kh === 1 ? 'pointwise' : 'conv') : group === C && O === C ? 'depthwise' : 'conv';
        const lib = new Float64Array(weights.length);
        for (let o = 0; o < O; o++) for (let i = 0; i < Ig; i++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) lib[((o * kh + y) * kw + xx) * Ig + i] = weights[((o * Ig + i) * kh + y) * kw + xx]!;
        const name = uniqueName(node.name || o0 || 'conv');
        const params = layerParams(lib, bias, kind, name, label, O);
        const t = wrap(() => b().conv(name, x.t, { outChannels: O, kernel: kh, stride: strides[0] as 1 | 2, padding: pads[0]!, groups: group }, params.params));
        const s = b().shape(t);
        values.set(outName, { kind: 'real', t, layout: { rank: 4, chw: [s[2], s[0], s[1]] } });
        if (outName === o0 && node.outputs.length > 1) out({ kind: 'real', t, layout: { rank: 4, chw: [s[2], s[0], s[1]] } });
        layerIndex++;
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const isGemm = node.opType === 'Gemm';
        onlyAttrs(isGemm ? ['alpha', 'beta', 'transA', 'transB'] : []);
        if (isGemm) {
          if (floatAttr('alpha', 1) !== 1) fail(`attribute 'alpha' = ${floatAttr('alpha', 1)}: only 1 is supported`);
          if (floatAttr('beta', 1) !== 1) fail(`attribute 'beta' = ${floatAttr('beta', 1)}: only 1 is supported`);
          if (intAttr('transA', 0) !== 0) fail(`attribute 'transA' = 1 is not supported`);
        }
        const a = real(0, 'A');
        if (a.layout.rank !== 2) fail(`input '${node.inputs[0]}' is a 4-D tensor: put a Flatten before ${node.opType}`);
        const lay = a.layout as Extract<Layout, { rank: 2 }>;
        const Bc = constant(1, 'B');
        const transB = isGemm ? intAttr('transB', 0) : 0;
        if (Bc.dims.length !== 2) fail(`weights '${node.inputs[1]}' have dims [${Bc.dims.join(', ')}], expected 2-D`);
        const [d0, d1] = Bc.dims as [number, number];
        const K = transB === 1 ? d1 : d0;
        const N = transB === 1 ? d0 : d1;
        if (K !== lay.k) fail(`weights '${node.inputs[1]}' [${Bc.dims.join(', ')}] take ${K} inputs, the input has ${lay.k}`);
        // OI over the graph's HWC order: ONNX column k = (c h + y) w + x is HWC (y w + x) c + c.
        const [fc, fh, fw] = lay.from;
        const lib = new Float64Array(N * K);
        for (let o = 0; o < N; o++)
          for (let c = 0; c < fc; c++)
            for (let y = 0; y < fh; y++)
              for (let xx = 0; xx < fw; xx++) {
                const k = (c * fh + y) * fw + xx;
                lib[o * K + (y * fw + xx) * fc + c] = Bc.values[transB === 1 ? o * K + k : k * N + o]!;
              }
        let bias: Float64Array | undefined;
        if (isGemm && node.inputs.length > 2 && node.inputs[2] !== '') {
          const Cc = constant(2, 'C');
          if (Cc.values.length !== N) fail(`bias '${node.inputs[2]}' has ${Cc.values.length} values for ${N} outputs (only a per-output bias is supported)`);
          bias = Cc.values;
        }
        const name = uniqueName(node.name || node.outputs[0] || 'linear');
        const params = layerParams(lib, bias, 'linear', name, label, N);
        const t = wrap(() => b().linear(name, a.t, N, params.params));
        out({ kind: 'real', t, layout: { rank: 2, k: N, from: [N, 1, 1] } });
        layerIndex++;
        break;
      }
      case 'Relu': {
        onlyAttrs([]);
        const x = real(0, 'X');
        out({ kind: 'real', t: wrap(() => b().relu(uniqueName(node.name || node.outputs[0] || 'relu'), x.t)), layout: x.layout });
        break;
      }
      case 'Clip': {
        onlyAttrs(model.opset < 11 ? ['min', 'max'] : []);
        const x = real(0, 'input');
        const lo = model.opset < 11 ? floatAttr('min', -Infinity) : node.inputs[1] ? scalar(1, 'min') : -Infinity;
        const hi = model.opset < 11 ? floatAttr('max', Infinity) : node.inputs[2] ? scalar(2, 'max') : Infinity;
        const name = uniqueName(node.name || node.outputs[0] || 'clip');
        const t = wrap(() => (lo === 0 && hi === 6 ? b().relu6(name, x.t) : lo === 0 && hi === Infinity ? b().relu(name, x.t) : b().clip(name, x.t, lo, hi)));
        out({ kind: 'real', t, layout: x.layout });
        break;
      }
      case 'Add': {
        onlyAttrs([]);
        const x = real(0, 'A');
        const y = real(1, 'B');
        out({ kind: 'real', t: wrap(() => b().addTensors(uniqueName(node.name || node.outputs[0] || 'add'), x.t, y.t)), layout: x.layout });
        break;
      }
      case 'MaxPool': {
        onlyAttrs(['kernel_shape', 'strides', 'pads', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order']);
        const x = real(0, 'X');
        if (node.outputs.length > 1 && node.outputs[1] !== '') fail(`the Indices output is not supported`);
        const name = uniqueName(node.name || node.outputs[0] || 'maxpool');
        const t = wrap(() => poolNode(b(), name, x.t, node, undefined, file));
        const s = b().shape(t);
        out({ kind: 'real', t, layout: { rank: 4, chw: [s[2], s[0], s[1]] } });
        break;
      }
      case 'AveragePool':
      case 'GlobalAveragePool': {
        onlyAttrs(node.opType === 'AveragePool' ? ['kernel_shape', 'strides', 'pads', 'ceil_mode', 'auto_pad', 'count_include_pad'] : []);
        const x = real(0, 'X');
        out({ kind: 'pool', onnx: node, t: x.t, layout: x.layout, global: node.opType === 'GlobalAveragePool' });
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        onlyAttrs(node.opType === 'Flatten' ? ['axis'] : ['allowzero']);
        const x = real(0, 'data');
        if (x.layout.rank !== 4) fail('input is already 2-D');
        const chw = (x.layout as Extract<Layout, { rank: 4 }>).chw;
        const K = chw[0] * chw[1] * chw[2];
        if (node.opType === 'Flatten' && intAttr('axis', 1) !== 1) fail(`attribute 'axis' = ${intAttr('axis', 1)}: only axis 1 (keep the batch) is supported`);
        if (node.opType === 'Reshape') {
          const shape = [...constant(1, 'shape').values];
          if (!(shape.length === 2 && (shape[0] === 1 || shape[0] === -1 || shape[0] === 0) && (shape[1] === -1 || shape[1] === K)))
            fail(`shape [${shape.join(', ')}]: only a flatten to [N, ${K}] (or [N, -1]) is supported`);
        }
        const t = wrap(() => b().flatten(uniqueName(node.name || node.outputs[0] || 'flatten'), x.t));
        out({ kind: 'real', t, layout: { rank: 2, k: K, from: chw } });
        break;
      }
      case 'Mul':
      case 'Div': {
        onlyAttrs([]);
        const x = input(0, 'A');
        const k = scalar(1, 'B (a constant power of two)');
        if (!(k > 0) || !isPo2Value(k)) fail(`multiplies by ${k}: ${node.opType} is supported only by a power of two, in the floor pattern Mul(2^n) -> Floor -> Mul(2^-n) -> QuantizeLinear(2^-n)`);
        const e = node.opType === 'Mul' ? floorLog2(k) : -floorLog2(k);
        if (x.kind === 'real' && e >= 0) out({ kind: 'scaled', onnx: node, t: x.t, layout: x.layout, n: e });
        else if (x.kind === 'pool' && e >= 0) out({ kind: 'scaled', onnx: node, t: x.t, layout: x.layout, n: e, pool: x });
        else if (x.kind === 'floored' && e === -x.n) out({ kind: 'flooredBack', onnx: node, t: x.t, layout: x.layout, n: x.n, ...(x.pool === undefined ? {} : { pool: x.pool }) });
        else fail(`is not part of the floor pattern Mul(2^n) -> Floor -> Mul(2^-n) -> QuantizeLinear(2^-n), the only use of ${node.opType} hashi supports`);
        break;
      }
      case 'Floor': {
        onlyAttrs([]);
        const x = input(0, 'X');
        if (x.kind !== 'scaled') fail('is supported only in the floor pattern Mul(2^n) -> Floor -> Mul(2^-n) -> QuantizeLinear(2^-n)');
        out({ kind: 'floored', onnx: node, t: x.t, layout: x.layout, n: x.n, ...(x.pool === undefined ? {} : { pool: x.pool }) });
        break;
      }
      default:
        fail(`operator ${node.opType} is not supported (supported: Conv, Gemm, MatMul, Relu, Clip, Add, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, BatchNormalization after Conv, QuantizeLinear, DequantizeLinear, Identity, Constant, and Mul/Floor/Div in the floor pattern)`);
    }
  }

  function layerParams(lib: Float64Array, bias: Float64Array | undefined, kind: 'conv' | 'depthwise' | 'pointwise' | 'linear', name: string, label: string, outChannels: number): { params: LayerParams } {
    const ws = [...lib];
    const exact = ws.every(isPo2Value);
    let weights: Po2[];
    if (exact) weights = quantizePo2Tensor(ws);
    else {
      const dense = denseByDefault(layerIndex, kind);
      weights = quantizePo2Tensor(ws, { range: weightRange, underflow }, dense ? undefined : pruneMask(ws, sparsity));
      notes.push(`${label}: float weights quantized to Po2 (exponents [${weightRange.expMin}, ${weightRange.expMax}]${dense ? ', dense' : `, sparsity ${sparsity}`}): results differ from the float model by design`);
    }
    let biasVec: BiasVector | undefined;
    let biasKind: ImportedLayer['bias'] = 'none';
    if (bias !== undefined && bias.some((v) => v !== 0)) {
      if (bias.length !== outChannels) throw new OnnxImportError(`${file}: ${label}: bias has ${bias.length} values for ${outChannels} outputs`);
      const fracs = [...bias].map((v) => fracBits(v, 32));
      if (fracs.every((f) => f !== undefined)) {
        const frac = Math.max(...(fracs as number[]));
        const raw = [...bias].map((v) => BigInt(v * 2 ** frac));
        const lo = raw.reduce((a, r) => (r < a ? r : a), 0n);
        const hi = raw.reduce((a, r) => (r > a ? r : a), 0n);
        biasVec = { raw, fmt: formatForRange(lo, hi, frac) };
        biasKind = 'exact';
      } else {
        biasVec = { raw: [...bias].map((v) => quantizeReal(v, biasFormat)), fmt: biasFormat };
        biasKind = 'quantized';
        notes.push(`${label}: bias quantized to Q${biasFormat.int}.${biasFormat.frac} (floor)`);
      }
    }
    layers.push({ node: name, onnxNode: label, weights: exact ? 'exact' : 'quantized', bias: biasKind, nonzero: weights.filter((w) => w.sign !== 0).length });
    return { params: biasVec === undefined ? { weights } : { weights, bias: biasVec } };
  }

  const finalValue = values.get(modelOut.name) ?? top(`output '${modelOut.name}' is not computed by any node`);
  if (builder === undefined || inputFmt === undefined) return top(`the model input '${modelIn.name}' is never quantized: hashi needs a QuantizeLinear (Po2 scale, int8 or int16) on it`);
  if (finalValue.kind !== 'real' && finalValue.kind !== 'int') top(`output '${modelOut.name}' is not a quantized or exactly computed tensor (end the model with QuantizeLinear -> DequantizeLinear)`);
  const fin = finalValue as Extract<Value, { kind: 'real' | 'int' }>;
  let graph: Graph;
  let info: GraphInfo;
  try {
    graph = builder.build(fin.t);
    info = inferGraph(graph);
  } catch (e) {
    if (e instanceof GraphError || e instanceof RangeError) top(e.message);
    throw e;
  }
  for (const [t, ti] of info.tensors) {
    const bits = ti.fmt.int + ti.fmt.frac;
    if (ti.channelRanges !== undefined && bits > 24) notes.push(`layer '${t}': its exact sums need ${bits} bits; a float32 runtime (ONNX Runtime) may round them, so its results can differ from hashi's exact ones`);
  }
  const dims = fin.layout.rank === 4 ? [...fin.layout.chw] : [fin.layout.k];
  return { graph, info, input: { name: modelIn.name, chw: chw0, fmt: inputFmt }, output: { name: modelOut.name, dims }, layers, notes };
}

/** The graph's name: the model file's base name as an identifier (module names derive from it). */
function graphName(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.onnx$/i, '');
  return base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_]|$)/, 'model_$1');
}

/** A MaxPool (no requant) or AveragePool (requant) node from the ONNX attributes (square, symmetric). */
function poolNode(b: GraphBuilder, name: string, input: string, node: OnnxNode, requant: Requant | undefined, file: string): string {
  const fail: (msg: string) => never = (msg) => {
    throw new OnnxImportError(`${file}: node '${node.name || node.outputs[0] || '?'}' (${node.opType}): ${msg}`);
  };
  const ints = (k: string): readonly number[] | undefined => {
    const a = node.attributes.get(k);
    return a === undefined ? undefined : a.kind === 'ints' ? a.value : fail(`attribute '${k}' must be a list of integers`);
  };
  const int = (k: string, d: number): number => {
    const a = node.attributes.get(k);
    return a === undefined ? d : a.kind === 'int' ? a.value : fail(`attribute '${k}' must be an integer`);
  };
  const ks = ints('kernel_shape') ?? fail(`attribute 'kernel_shape' is required`);
  if (ks.length !== 2 || ks[0] !== ks[1]) fail(`attribute 'kernel_shape' [${ks.join(', ')}]: only square 2-D windows are supported`);
  const strides = ints('strides') ?? [1, 1];
  if (strides.length !== 2 || strides[0] !== strides[1]) fail(`attribute 'strides' [${strides.join(', ')}]: only equal strides are supported`);
  const pads = ints('pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((p) => p !== pads[0])) fail(`attribute 'pads' [${pads.join(', ')}]: only equal padding on all four sides is supported`);
  if (int('ceil_mode', 0) !== 0) fail(`attribute 'ceil_mode' = 1 is not supported`);
  if (int('storage_order', 0) !== 0) fail(`attribute 'storage_order' = 1 is not supported`);
  const dil = ints('dilations') ?? [1, 1];
  if (dil.some((d) => d !== 1)) fail(`attribute 'dilations' [${dil.join(', ')}]: only dilation 1 is supported`);
  const ap = node.attributes.get('auto_pad');
  if (ap !== undefined && !(ap.kind === 'string' && (ap.value === 'NOTSET' || ap.value === 'VALID'))) fail(`attribute 'auto_pad' is not supported: export with explicit 'pads'`);
  const o = { kernel: ks[0]!, stride: strides[0]!, padding: pads[0]! };
  if (requant === undefined) return b.maxPool(name, input, o);
  return b.avgPool(name, input, { ...o, countIncludePad: int('count_include_pad', 0) === 1, out: requant });
}

/** Conv -> BatchNormalization folded into float weights (OIHW, `perOut` per output channel) and bias. */
function foldBatchNorm(bn: OnnxNode, O: number, perOut: number, weights: Float64Array, bias: Float64Array | undefined, values: ReadonlyMap<string, Value>, file: string): { weights: Float64Array; bias: Float64Array } {
  const fail: (msg: string) => never = (msg) => {
    throw new OnnxImportError(`${file}: node '${bn.name || bn.outputs[0] || '?'}' (BatchNormalization): ${msg}`);
  };
  for (const k of bn.attributes.keys()) if (k !== 'epsilon' && k !== 'momentum' && k !== 'training_mode') fail(`attribute '${k}' is not supported`);
  const tm = bn.attributes.get('training_mode');
  if (tm !== undefined && tm.kind === 'int' && tm.value !== 0) fail(`attribute 'training_mode' = 1: export the model in inference mode`);
  if (bn.outputs.slice(1).some((o) => o !== '')) fail('training outputs (running mean / var) are not supported: export in inference mode');
  const epsA = bn.attributes.get('epsilon');
  const eps = epsA === undefined ? 1e-5 : epsA.kind === 'float' ? epsA.value : fail(`attribute 'epsilon' must be a float`);
  const param = (i: number, what: string): Float64Array => {
    const v = values.get(bn.inputs[i] ?? '');
    if (v?.kind !== 'const' || v.values.length !== O) return fail(`${what} ('${bn.inputs[i] ?? ''}') must be a constant with ${O} values`);
    return v.values;
  };
  const [gamma, beta, mean, variance] = [param(1, 'scale'), param(2, 'B'), param(3, 'input_mean'), param(4, 'input_var')];
  const w = new Float64Array(weights.length);
  const b = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
    for (let i = 0; i < perOut; i++) w[o * perOut + i] = weights[o * perOut + i]! * s;
    b[o] = ((bias?.[o] ?? 0) - mean[o]!) * s + beta[o]!;
  }
  return { weights: w, bias: b };
}
