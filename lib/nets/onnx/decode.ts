/**
 * .onnx bytes -> a plain, typed model (OnnxModel): nodes, initializers, graph inputs/outputs.
 *
 * Bounded: the file size is checked before it is read, and a pre-scan walks the protobuf wire
 * format (without allocating) to check message counts, node counts and nesting depth before
 * protobufjs decodes anything; every tensor's element count is checked against its dims and its
 * bytes before its values are allocated. Every error is an OnnxImportError naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import protobuf from 'protobufjs';
import { ModelProto, OnnxAttributeType, OnnxDataType, SUBMESSAGE_FIELDS } from './schema.ts';

export class OnnxImportError extends Error {
  override readonly name = 'OnnxImportError';
}

export interface OnnxLimits {
  readonly maxFileBytes: number;
  /** Protobuf messages in the whole file (nodes, attributes, tensors, shapes ...). */
  readonly maxMessages: number;
  readonly maxNodes: number;
  /** Message nesting (a plain model needs 7: model, graph, value info, type, tensor type, shape, dim). */
  readonly maxDepth: number;
  /** Elements of one tensor. */
  readonly maxTensorElements: number;
}

export const DEFAULT_ONNX_LIMITS: OnnxLimits = {
  maxFileBytes: 512 * 2 ** 20,
  maxMessages: 2_000_000,
  maxNodes: 100_000,
  maxDepth: 12,
  maxTensorElements: 2 ** 28,
};

export interface OnnxTensor {
  readonly name: string;
  /** ONNX TensorProto.DataType code (OnnxDataType). */
  readonly dataType: number;
  readonly dims: readonly number[];
  /** Row-major values; integers and floats alike are exact in a double. */
  readonly values: Float64Array;
}

export type OnnxAttribute =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor }
  | { readonly kind: 'other'; readonly type: number };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX element type code, 0 if not given. */
  readonly elemType: number;
  /** Dimensions: a number, or the symbolic name (e.g. 'batch'); undefined if no shape is given. */
  readonly shape?: readonly (number | string)[];
}

export interface OnnxModel {
  /** Where the model came from, for error messages. */
  readonly file: string;
  readonly irVersion: number;
  /** Default-domain opset version. */
  readonly opset: number;
  readonly producer: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export function readOnnxFile(path: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): OnnxModel {
  return decodeOnnx(readOnnxBytes(path, limits), path, limits);
}

/** The bytes of a model file, its size checked before it is read. */
export function readOnnxBytes(path: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new OnnxImportError(`${path}: cannot read the model file (${(e as Error).message})`);
  }
  if (size > limits.maxFileBytes) throw new OnnxImportError(`${path}: ${size} bytes is more than the ${limits.maxFileBytes}-byte limit for a model file`);
  return readFileSync(path);
}

export function decodeOnnx(bytes: Uint8Array, file: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): OnnxModel {
  const fail = (msg: string): never => {
    throw new OnnxImportError(`${file}: ${msg}`);
  };
  if (bytes.length > limits.maxFileBytes) fail(`${bytes.length} bytes is more than the ${limits.maxFileBytes}-byte limit for a model file`);
  if (bytes.length === 0) fail('the file is empty, not an ONNX model');
  prescan(bytes, limits, fail);
  let raw: RawModel;
  try {
    raw = ModelProto.toObject(ModelProto.decode(bytes), { longs: BigInt, enums: Number, arrays: true, defaults: false }) as RawModel;
  } catch (e) {
    return fail(`not a valid ONNX protobuf (${(e as Error).message})`);
  }
  const graph = raw.graph ?? fail('no graph in the file: not an ONNX model (or an empty one)');
  const opset = (raw.opset_import ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) {
    const tensor = decodeTensor(t, limits, fail);
    if (initializers.has(tensor.name)) fail(`initializer '${tensor.name}' appears twice`);
    initializers.set(tensor.name, tensor);
  }
  const nodes = (graph.node ?? []).map((n, i) => decodeNode(n, i, limits, fail));
  return {
    file,
    irVersion: toSafeNumber(raw.ir_version ?? 0n, 'ir_version', fail),
    opset: opset === undefined ? 0 : toSafeNumber(opset.version ?? 0n, 'opset version', fail),
    producer: [raw.producer_name, raw.producer_version].filter((s) => s !== undefined && s !== '').join(' '),
    nodes,
    initializers,
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map((v) => decodeValueInfo(v, fail)),
    outputs: (graph.output ?? []).map((v) => decodeValueInfo(v, fail)),
  };
}

// ---- the bounded pre-scan ----------------------------------------------------------------------

function prescan(bytes: Uint8Array, limits: OnnxLimits, fail: (msg: string) => never): void {
  let messages = 0;
  let nodes = 0;
  const walk = (start: number, end: number, type: string, depth: number): void => {
    if (depth > limits.maxDepth) fail(`protobuf messages nest deeper than ${limits.maxDepth} levels (at byte ${start}): not a plain ONNX model`);
    if (++messages > limits.maxMessages) fail(`more than ${limits.maxMessages} protobuf messages: refusing to decode`);
    const sub = SUBMESSAGE_FIELDS[type] ?? {};
    const reader = protobuf.Reader.create(bytes.subarray(start, end));
    while (reader.pos < reader.len) {
      const at = start + reader.pos;
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) fail(`corrupt protobuf at byte ${at} (field number 0): not an ONNX file`);
      const child = sub[field];
      if (child !== undefined) {
        if (wire !== 2) fail(`corrupt protobuf at byte ${at}: field ${field} of ${type} should be a message`);
        const len = reader.uint32();
        if (len > reader.len - reader.pos) fail(`truncated protobuf at byte ${at}: a ${len}-byte message runs past the end of the file`);
        if (type === 'GraphProto' && field === 1 && ++nodes > limits.maxNodes) fail(`more than ${limits.maxNodes} nodes: refusing to decode`);
        walk(start + reader.pos, start + reader.pos + len, child, depth + 1);
        reader.pos += len;
      } else {
        if (wire === 3 || wire === 4 || wire > 5) fail(`corrupt protobuf at byte ${at} (wire type ${wire}): not an ONNX file`);
        reader.skipType(wire);
      }
    }
    if (reader.pos !== reader.len) fail(`truncated protobuf near byte ${end}: not an ONNX file`);
  };
  try {
    walk(0, bytes.length, 'ModelProto', 1);
  } catch (e) {
    if (e instanceof OnnxImportError) throw e;
    fail(`corrupt or truncated protobuf (${(e as Error).message}): not an ONNX file`);
  }
}

// ---- raw protobufjs objects -> typed model -------------------------------------------------------

interface RawTensor {
  dims?: bigint[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: bigint[];
  double_data?: number[];
  uint64_data?: bigint[];
  string_data?: Uint8Array[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
}
interface RawAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: RawTensor;
  floats?: number[];
  ints?: bigint[];
}
interface RawNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: RawAttribute[];
}
interface RawDim {
  dim_value?: bigint;
  dim_param?: string;
}
interface RawValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: RawDim[] } } };
}
interface RawGraph {
  node?: RawNode[];
  initializer?: RawTensor[];
  input?: RawValueInfo[];
  output?: RawValueInfo[];
}
interface RawModel {
  ir_version?: bigint;
  opset_import?: { domain?: string; version?: bigint }[];
  producer_name?: string;
  producer_version?: string;
  graph?: RawGraph;
}

function toSafeNumber(v: bigint, what: string, fail: (msg: string) => never): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`${what} ${v} is out of range`);
  return Number(v);
}

const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  [OnnxDataType.FLOAT]: 4,
  [OnnxDataType.UINT8]: 1,
  [OnnxDataType.INT8]: 1,
  [OnnxDataType.INT16]: 2,
  [OnnxDataType.INT32]: 4,
  [OnnxDataType.INT64]: 8,
  [OnnxDataType.DOUBLE]: 8,
};

function decodeTensor(t: RawTensor, limits: OnnxLimits, fail: (msg: string) => never): OnnxTensor {
  const name = t.name ?? '';
  const what = `tensor '${name}'`;
  if (t.data_location === 1) fail(`${what} keeps its data in an external file, which hashi does not read: save the model with all tensors inside the .onnx file`);
  const dataType = t.data_type ?? 0;
  const size = ELEMENT_BYTES[dataType];
  if (size === undefined) fail(`${what} has ONNX data type ${dataType}, which hashi does not read (float, double, int8, uint8, int16, int32, int64 only)`);
  const dims = (t.dims ?? []).map((d) => {
    if (d < 0n) fail(`${what} has a negative dimension ${d}`);
    return toSafeNumber(d, `${what} dimension`, fail);
  });
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > limits.maxTensorElements) fail(`${what} has more than ${limits.maxTensorElements} elements (dims [${dims.join(', ')}])`);
  }
  const values = new Float64Array(count);
  if (t.raw_data !== undefined && t.raw_data.length > 0) {
    if (t.raw_data.length !== count * size) fail(`${what}: raw_data holds ${t.raw_data.length} bytes, dims [${dims.join(', ')}] need ${count * size}`);
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    for (let i = 0; i < count; i++) {
      switch (dataType) {
        case OnnxDataType.FLOAT: values[i] = view.getFloat32(4 * i, true); break;
        case OnnxDataType.DOUBLE: values[i] = view.getFloat64(8 * i, true); break;
        case OnnxDataType.INT8: values[i] = view.getInt8(i); break;
        case OnnxDataType.UINT8: values[i] = view.getUint8(i); break;
        case OnnxDataType.INT16: values[i] = view.getInt16(2 * i, true); break;
        case OnnxDataType.INT32: values[i] = view.getInt32(4 * i, true); break;
        default: values[i] = toSafeNumber(view.getBigInt64(8 * i, true), `${what} value`, fail);
      }
    }
    return { name, dataType, dims, values };
  }
  const typed: readonly (number | bigint)[] =
    dataType === OnnxDataType.FLOAT ? (t.float_data ?? [])
    : dataType === OnnxDataType.DOUBLE ? (t.double_data ?? [])
    : dataType === OnnxDataType.INT64 ? (t.int64_data ?? [])
    : (t.int32_data ?? []); // int8, uint8, int16, int32 live in int32_data
  if (typed.length !== count) fail(`${what} holds ${typed.length} values, dims [${dims.join(', ')}] need ${count}`);
  typed.forEach((v, i) => {
    values[i] = typeof v === 'bigint' ? toSafeNumber(v, `${what} value`, fail) : v;
  });
  return { name, dataType, dims, values };
}

function decodeNode(n: RawNode, index: number, limits: OnnxLimits, fail: (msg: string) => never): OnnxNode {
  const name = n.name ?? '';
  const opType = n.op_type ?? '';
  const label = `node '${name || `#${index}`}' (${opType || 'no op_type'})`;
  const attributes = new Map<string, OnnxAttribute>();
  for (const a of n.attribute ?? []) {
    const an = a.name ?? '';
    if (attributes.has(an)) fail(`${label}: attribute '${an}' appears twice`);
    attributes.set(an, decodeAttribute(a, `${label}, attribute '${an}'`, limits, fail));
  }
  return { name, opType, domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], attributes };
}

function decodeAttribute(a: RawAttribute, label: string, limits: OnnxLimits, fail: (msg: string) => never): OnnxAttribute {
  switch (a.type ?? 0) {
    case OnnxAttributeType.FLOAT: return { kind: 'float', value: a.f ?? 0 };
    case OnnxAttributeType.INT: return { kind: 'int', value: toSafeNumber(a.i ?? 0n, label, fail) };
    case OnnxAttributeType.STRING: return { kind: 'string', value: new TextDecoder().decode(a.s ?? new Uint8Array()) };
    case OnnxAttributeType.FLOATS: return { kind: 'floats', value: a.floats ?? [] };
    case OnnxAttributeType.INTS: return { kind: 'ints', value: (a.ints ?? []).map((v) => toSafeNumber(v, label, fail)) };
    case OnnxAttributeType.TENSOR: return { kind: 'tensor', value: decodeTensor(a.t ?? {}, limits, fail) };
    default: return { kind: 'other', type: a.type ?? 0 };
  }
}

function decodeValueInfo(v: RawValueInfo, fail: (msg: string) => never): OnnxValueInfo {
  const name = v.name ?? '';
  const tt = v.type?.tensor_type;
  const dims = tt?.shape?.dim;
  return {
    name,
    elemType: tt?.elem_type ?? 0,
    ...(dims === undefined ? {} : { shape: dims.map((d) => (d.dim_value !== undefined ? toSafeNumber(d.dim_value, `'${name}' dimension`, fail) : (d.dim_param ?? '?'))) }),
  };
}
