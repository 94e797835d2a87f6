// Small QDQ ONNX models the tests write themselves (no downloads): a ResNet-style and a
// MobileNetV2-style net with seeded random Po2 weights and Po2 activation scales.
import { encodeOnnx, type OnnxNodeSpec, type OnnxTensorSpec } from '../../../lib/nets/onnx/encode.ts';
import { OnnxDataType } from '../../../lib/nets/onnx/schema.ts';
import { Prng } from '../../../lib/util/prng.ts';

/** Writes a QDQ model node by node; every method returns its output tensor's name. */
export class QdqModelWriter {
  readonly nodes: OnnxNodeSpec[] = [];
  readonly initializers: OnnxTensorSpec[] = [];
  private count = 0;
  readonly rng: Prng;

  /** `gain`: added to every layer's largest weight exponent (keeps deeper nets' activations from fading). */
  constructor(seed: number, readonly gain = 0) {
    this.rng = new Prng(seed);
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  constant(dims: readonly number[], values: ArrayLike<number>, dataType: number = OnnxDataType.FLOAT): string {
    const name = this.fresh('c');
    this.initializers.push({ name, dataType, dims, values });
    return name;
  }

  node(opType: string, inputs: readonly string[], attributes: OnnxNodeSpec['attributes'] = {}, name?: string): string {
    const nodeName = name ?? this.fresh(opType.toLowerCase());
    const out = `${nodeName}_out`;
    this.nodes.push({ name: nodeName, opType, inputs, outputs: [out], attributes });
    return out;
  }

  /** QuantizeLinear -> DequantizeLinear with scale 2^-frac, int8, zero point 0 (ONNX rounds half to even). */
  qdq(x: string, frac: number): string {
    const s = this.constant([], [2 ** -frac]);
    const z = this.constant([], [0], OnnxDataType.INT8);
    return this.node('DequantizeLinear', [this.node('QuantizeLinear', [x, s, z]), s, z]);
  }

  /** The floor requantization written in ONNX: Mul(2^n) -> Floor -> Mul(2^-n), then QDQ(2^-n). */
  floorQdq(x: string, frac: number): string {
    const up = this.node('Mul', [x, this.constant([], [2 ** frac])]);
    const down = this.node('Mul', [this.node('Floor', [up]), this.constant([], [2 ** -frac])]);
    return this.qdq(down, frac);
  }

  /** Random Po2 weights (or 0 with probability `zeros`), exponents in [expMax - 3, expMax]. */
  po2Weights(count: number, expMax: number, zeros = 0.25): number[] {
    const ws: number[] = [];
    for (let i = 0; i < count; i++) {
      if (this.rng.nextFloat() < zeros) ws.push(0);
      else ws.push((this.rng.nextFloat() < 0.5 ? -1 : 1) * 2 ** (expMax - this.rng.int(0, 3)));
    }
    return ws;
  }

  /** Int8 weights through DequantizeLinear with Po2 scales (the form quantization tools write); per output channel (axis 0) or per tensor. */
  int8Weights(dims: readonly number[], expMax: number, perChannel = false): string {
    const n = dims.reduce((a, d) => a * d, 1);
    const per = n / dims[0]!;
    const scales = Array.from({ length: perChannel ? dims[0]! : 1 }, (_, o) => 2 ** (expMax - 6 + (o % 2)));
    const ints = this.po2Weights(n, expMax).map((w, i) => w / scales[perChannel ? Math.floor(i / per) : 0]!);
    const q = this.constant(dims, ints, OnnxDataType.INT8);
    const s = this.constant(perChannel ? [dims[0]!] : [], scales);
    const z = this.constant(perChannel ? [dims[0]!] : [], scales.map(() => 0), OnnxDataType.INT8);
    return this.node('DequantizeLinear', [q, s, z], perChannel ? { axis: 0 } : {});
  }

  conv(x: string, inC: number, outC: number, o: { k: number; stride?: number; group?: number; int8?: boolean | 'per-channel'; bias?: boolean }): string {
    const group = o.group ?? 1;
    const dims = [outC, inC / group, o.k, o.k];
    const fanIn = (inC / group) * o.k * o.k;
    const expMax = Math.round(-Math.log2(fanIn) / 2) + this.gain;
    const w = o.int8 !== undefined && o.int8 !== false ? this.int8Weights(dims, expMax, o.int8 === 'per-channel') : this.constant(dims, this.po2Weights(dims.reduce((a, d) => a * d, 1), expMax));
    const inputs = [x, w];
    if (o.bias !== false) inputs.push(this.constant([outC], Array.from({ length: outC }, () => this.rng.int(-8, 8) / 16)));
    const p = (o.k - 1) >> 1;
    return this.node('Conv', inputs, { kernel_shape: [o.k, o.k], strides: [o.stride ?? 1, o.stride ?? 1], pads: [p, p, p, p], group });
  }

  gemm(x: string, inF: number, outF: number): string {
    const expMax = Math.round(-Math.log2(inF) / 2);
    const w = this.constant([outF, inF], this.po2Weights(outF * inF, expMax));
    const b = this.constant([outF], Array.from({ length: outF }, () => this.rng.int(-8, 8) / 16));
    return this.node('Gemm', [x, w, b], { transB: 1 });
  }

  relu6(x: string): string {
    return this.node('Clip', [x, this.constant([], [0]), this.constant([], [6])]);
  }

  encode(graphName: string, input: string, inputDims: readonly number[], output: string, outputDims: readonly number[]): Uint8Array {
    return encodeOnnx({ graphName, opset: 13, nodes: this.nodes, initializers: this.initializers, inputs: [{ name: input, dims: inputDims }], outputs: [{ name: output, dims: outputDims }] });
  }
}

export const ACT_FRAC = 4; // activations Q4.4 between layers
export const IN_FRAC = 5; // the input Q3.5

/**
 * ResNet-style: 3x3 stem + ReLU, 3x3/2 max pool, a stride-1 basic block (residual add; its second
 * conv's requantization written as the floor pattern), a stride-2 basic block with a 1x1/2 projection
 * shortcut, global average pool, flatten, Gemm. Input [1, 3, 8, 8], output [1, 10].
 */
export function resnetStyleModel(seed = 1): Uint8Array {
  const m = new QdqModelWriter(seed);
  const x = m.qdq('input', IN_FRAC);
  let t = m.qdq(m.node('Relu', [m.conv(x, 3, 4, { k: 3 })]), ACT_FRAC);
  t = m.qdq(m.node('MaxPool', [t], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }), ACT_FRAC); // 4x4x4
  // Block 1, stride 1: identity shortcut; its second conv's requantization floors.
  let a = m.qdq(m.node('Relu', [m.conv(t, 4, 4, { k: 3, int8: true })]), ACT_FRAC);
  a = m.floorQdq(m.conv(a, 4, 4, { k: 3 }), ACT_FRAC);
  t = m.qdq(m.node('Relu', [m.node('Add', [a, t])]), ACT_FRAC);
  // Block 2, stride 2: 1x1/2 projection shortcut.
  let c = m.qdq(m.node('Relu', [m.conv(t, 4, 8, { k: 3, stride: 2 })]), ACT_FRAC); // 2x2x8
  c = m.qdq(m.conv(c, 8, 8, { k: 3 }), ACT_FRAC);
  const sc = m.qdq(m.conv(t, 4, 8, { k: 1, stride: 2, bias: false }), ACT_FRAC);
  t = m.qdq(m.node('Relu', [m.node('Add', [c, sc])]), ACT_FRAC);
  t = m.qdq(m.node('GlobalAveragePool', [t]), ACT_FRAC + 2);
  t = m.node('Flatten', [t], { axis: 1 });
  const y = m.qdq(m.gemm(t, 8, 10), ACT_FRAC);
  return m.encode('resnet_style', 'input', [1, 3, 8, 8], y, [1, 10]);
}

/**
 * MobileNetV2-style: 3x3/2 stem + ReLU6, an inverted residual block (1x1 expand + ReLU6,
 * 3x3 depthwise + ReLU6, 1x1 project, residual add), a stride-2 block without residual,
 * a 1x1 head + ReLU6, global average pool, flatten, Gemm. Input [1, 3, 8, 8], output [1, 10].
 */
export function mobileNetV2StyleModel(seed = 2): Uint8Array {
  const m = new QdqModelWriter(seed, 1);
  const x = m.qdq('input', IN_FRAC);
  let t = m.qdq(m.relu6(m.conv(x, 3, 8, { k: 3, stride: 2 })), ACT_FRAC); // 4x4x8
  // Block 1: expand 8 -> 16, depthwise, project 16 -> 8, residual.
  let e = m.qdq(m.relu6(m.conv(t, 8, 16, { k: 1 })), ACT_FRAC);
  e = m.qdq(m.relu6(m.conv(e, 16, 16, { k: 3, group: 16, int8: 'per-channel' })), ACT_FRAC);
  e = m.qdq(m.conv(e, 16, 8, { k: 1 }), ACT_FRAC);
  t = m.qdq(m.node('Add', [t, e]), ACT_FRAC);
  // Block 2: expand, depthwise stride 2, project (no residual).
  let f = m.qdq(m.relu6(m.conv(t, 8, 16, { k: 1 })), ACT_FRAC);
  f = m.qdq(m.relu6(m.conv(f, 16, 16, { k: 3, stride: 2, group: 16 })), ACT_FRAC); // 2x2x16
  t = m.qdq(m.conv(f, 16, 8, { k: 1 }), ACT_FRAC);
  t = m.qdq(m.relu6(m.conv(t, 8, 16, { k: 1 })), ACT_FRAC);
  t = m.qdq(m.node('GlobalAveragePool', [t]), ACT_FRAC + 2);
  t = m.node('Flatten', [t], { axis: 1 });
  const y = m.qdq(m.gemm(t, 16, 10), ACT_FRAC);
  return m.encode('mobilenetv2_style', 'input', [1, 3, 8, 8], y, [1, 10]);
}

/** The smallest net the CLI test builds quickly: 3x3 conv + ReLU, global average pool, Gemm. Input [1, 3, 4, 4], output [1, 5]. */
export function tinyModel(seed = 3): Uint8Array {
  const m = new QdqModelWriter(seed, 1);
  const x = m.qdq('image', IN_FRAC);
  let t = m.qdq(m.node('Relu', [m.conv(x, 3, 4, { k: 3 })]), ACT_FRAC);
  t = m.node('Flatten', [m.qdq(m.node('GlobalAveragePool', [t]), ACT_FRAC + 2)], { axis: 1 });
  const y = m.qdq(m.gemm(t, 4, 5), ACT_FRAC);
  return m.encode('tiny', 'image', [1, 3, 4, 4], y, [1, 5]);
}

/** Random NCHW float32 inputs in [-3, 3); every 7th value sits exactly on a rounding tie of the input scale. */
export function randomInputs(count: number, size: number, seed: number): Float32Array[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => {
    const x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = i % 7 === 0 ? (rng.int(-96, 95) + 0.5) * 2 ** -IN_FRAC : (rng.nextFloat() * 6 - 3);
    return x;
  });
}
