// ONNX import: bad models fail with errors naming the file and the node; the input is
// quantized on entry as ONNX Runtime does; the .npy reader is bounded.
import { describe, expect, it } from 'vitest';
import { decodeOnnx, OnnxImportError } from '../../../lib/nets/onnx/decode.ts';
import { encodeOnnx } from '../../../lib/nets/onnx/encode.ts';
import { importOnnx, outputToOnnxOrder, quantizeInput } from '../../../lib/nets/onnx/import.ts';
import { runOnnxRuntime } from '../../../lib/nets/onnx/reference.ts';
import { OnnxDataType } from '../../../lib/nets/onnx/schema.ts';
import { encodeNpy, parseNpy } from '../../../lib/util/npy.ts';
import { QdqModelWriter, resnetStyleModel } from './models.ts';

describe('ONNX import: the input', () => {
  it('the input is quantized on entry as QuantizeLinear does (half to even, saturating)', async () => {
    const m = new QdqModelWriter(1);
    const y = m.qdq('x', 2);
    const bytes = m.encode('q', 'x', [1, 1, 1, 8], y, [1, 1, 1, 8]);
    const x = new Float32Array([0.125, 0.375, -0.125, -0.375, 0.1, 100, -100, 0.625]);
    const ref = await runOnnxRuntime(bytes, [x], [1, 1, 1, 8]);
    const imported = importOnnx(decodeOnnx(bytes, 'q.onnx'));
    const got = outputToOnnxOrder(imported, quantizeInput(imported, x));
    expect(got).toEqual([...ref.outputs[0]!]);
    expect(got).toEqual([0, 0.5, 0, -0.5, 0, 31.75, -32, 0.5]);
  });
});

function expectImportError(bytes: Uint8Array, ...parts: RegExp[]): void {
  let err: unknown;
  try {
    importOnnx(decodeOnnx(bytes, 'bad.onnx'));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OnnxImportError);
  const msg = (err as Error).message;
  expect(msg).toMatch(/^bad\.onnx: /);
  for (const p of parts) expect(msg).toMatch(p);
}

/** A one-conv QDQ model with its conv's attributes or a node swapped in. */
function oneConv(edit: (m: QdqModelWriter, x: string) => string): Uint8Array {
  const m = new QdqModelWriter(3);
  const x = m.qdq('x', 4);
  const y = m.qdq(edit(m, x), 4);
  return m.encode('one', 'x', [1, 2, 4, 4], y, [1, 2, 4, 4]);
}

describe('ONNX import: clear errors', () => {
  it('an unsupported op names the node and its op type', () => {
    expectImportError(oneConv((m, x) => m.node('Sigmoid', [x], {}, 'my_sigmoid')), /node 'my_sigmoid' \(Sigmoid\)/, /operator Sigmoid is not supported/);
  });

  it('an unsupported attribute names the node and the attribute', () => {
    const bytes = oneConv((m, x) => m.node('Conv', [x, m.constant([2, 2, 3, 3], new Array(36).fill(0.5))], { kernel_shape: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] }, 'dilated'));
    expectImportError(bytes, /node 'dilated' \(Conv\)/, /attribute 'dilations' \[2, 2\]/);
  });

  it('a non-power-of-two activation scale is refused, saying so', () => {
    const m = new QdqModelWriter(3);
    const s = m.constant([], [0.1]);
    const z = m.constant([], [0], OnnxDataType.INT8);
    const q = m.node('QuantizeLinear', ['x', s, z], {}, 'q_in');
    const y = m.node('DequantizeLinear', [q, s, z]);
    expectImportError(m.encode('s', 'x', [1, 1, 2, 2], y, [1, 1, 2, 2]), /node 'q_in' \(QuantizeLinear\)/, /0\.1\d* is not a power of two/);
  });

  it('a nonzero zero point is refused', () => {
    const m = new QdqModelWriter(3);
    const s = m.constant([], [0.25]);
    const z = m.constant([], [3], OnnxDataType.INT8);
    const y = m.node('DequantizeLinear', [m.node('QuantizeLinear', ['x', s, z], {}, 'q_in'), s, z]);
    expectImportError(m.encode('z', 'x', [1, 1, 2, 2], y, [1, 1, 2, 2]), /node 'q_in'/, /zero point 3 is not 0/);
  });

  it('an unsigned zero point is refused, naming the types hashi takes', () => {
    const m = new QdqModelWriter(3);
    const s = m.constant([], [0.25]);
    const z = m.constant([], [0], OnnxDataType.UINT8);
    const y = m.node('DequantizeLinear', [m.node('QuantizeLinear', ['x', s, z], {}, 'q_in'), s, z]);
    expectImportError(m.encode('u', 'x', [1, 1, 2, 2], y, [1, 1, 2, 2]), /node 'q_in'/, /hashi takes int8 or int16 activations/);
  });

  it('malformed files: empty, random bytes, truncated, too deeply nested, too many nodes', () => {
    expectImportError(new Uint8Array(0), /empty/);
    expectImportError(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), /not an ONNX file|not a valid ONNX/);
    const good = resnetStyleModel();
    expectImportError(good.subarray(0, good.length - 7), /truncated|corrupt|not a valid/);
    // GraphProto in an attribute in a node in a graph ... 20 levels deep.
    let inner: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 10; i++) {
      const attr = concat([0x32, ...varint(inner.length)], inner); // AttributeProto.g (6)
      const node = concat([0x2a, ...varint(attr.length)], attr); // NodeProto.attribute (5)
      inner = concat([0x0a, ...varint(node.length)], node); // GraphProto.node (1)
    }
    expectImportError(concat([0x3a, ...varint(inner.length)], inner), /nest deeper than/);
    let err: unknown;
    try {
      decodeOnnx(good, 'big.onnx', { maxFileBytes: 1e9, maxMessages: 1e6, maxNodes: 10, maxDepth: 12, maxTensorElements: 1e6 });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/^big\.onnx: more than 10 nodes/);
  });

  it('a model that never quantizes its input is refused', () => {
    const bytes = encodeOnnx({
      graphName: 'f', opset: 13, initializers: [], inputs: [{ name: 'x', dims: [1, 1, 2, 2] }], outputs: [{ name: 'y', dims: [1, 1, 2, 2] }],
      nodes: [{ name: 'r', opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
    });
    expectImportError(bytes, /node 'r' \(Relu\)/, /QuantizeLinear/);
  });
});

describe('.npy', () => {
  it('round-trips float32 arrays and refuses wrong sizes and dtypes', () => {
    const data = new Float32Array([1.5, -2, 0.25, 3, 4, 5]);
    const back = parseNpy(encodeNpy([2, 3], data), 'x.npy');
    expect(back.shape).toEqual([2, 3]);
    expect([...back.data]).toEqual([...data]);
    const bytes = encodeNpy([2, 3], data);
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), 'x.npy')).toThrow(/x\.npy: shape \(2, 3\) of '<f4' needs 24 data bytes, the file has 20/);
    const text = new TextDecoder('latin1').decode(bytes).replace("'<f4'", "'<i4'");
    expect(() => parseNpy(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'x.npy')).toThrow(/dtype '<i4' is not supported/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(/not a \.npy file/);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function concat(head: number[], tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}
