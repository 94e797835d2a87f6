// A plain model description -> .onnx bytes, with the same schema the decoder reads: tests and
// tools write their own QDQ models with it (no downloads), and ONNX Runtime reads them.
import { ModelProto, OnnxAttributeType, OnnxDataType } from './schema.ts';

export interface OnnxTensorSpec {
  readonly name: string;
  /** OnnxDataType: FLOAT, INT8, UINT8, INT32, INT64. */
  readonly dataType: number;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

export type OnnxAttributeValue = number | string | readonly number[] | { readonly float: number } | { readonly floats: readonly number[] };

export interface OnnxNodeSpec {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integers (and integer lists) are INT(S); `{ float }` / `{ floats }` for FLOAT(S); strings are STRING. */
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxModelSpec {
  readonly graphName: string;
  readonly opset: number;
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers: readonly OnnxTensorSpec[];
  readonly inputs: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
  readonly outputs: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
  readonly producer?: string;
}

function tensorObject(t: OnnxTensorSpec): object {
  const n = t.values.length;
  const bytes = new Uint8Array(n * (t.dataType === OnnxDataType.INT64 ? 8 : t.dataType === OnnxDataType.INT8 || t.dataType === OnnxDataType.UINT8 ? 1 : 4));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = t.values[i] as number;
    switch (t.dataType) {
      case OnnxDataType.FLOAT: view.setFloat32(4 * i, v, true); break;
      case OnnxDataType.INT8: view.setInt8(i, v); break;
      case OnnxDataType.UINT8: view.setUint8(i, v); break;
      case OnnxDataType.INT32: view.setInt32(4 * i, v, true); break;
      case OnnxDataType.INT64: view.setBigInt64(8 * i, BigInt(v), true); break;
      default: throw new RangeError(`encodeOnnx: tensor '${t.name}': data type ${t.dataType} is not written`);
    }
  }
  return { name: t.name, data_type: t.dataType, dims: t.dims.map((d) => BigInt(d)), raw_data: bytes };
}

function attributeObject(name: string, v: OnnxAttributeValue): object {
  if (typeof v === 'number') return { name, type: OnnxAttributeType.INT, i: BigInt(v) };
  if (typeof v === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(v) };
  if ('float' in v) return { name, type: OnnxAttributeType.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: OnnxAttributeType.FLOATS, floats: [...v.floats] };
  return { name, type: OnnxAttributeType.INTS, ints: [...v].map((x) => BigInt(x)) };
}

function valueInfo(v: { readonly name: string; readonly dims: readonly (number | string)[] }): object {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dim_value: BigInt(d) } : { dim_param: d }));
  return { name: v.name, type: { tensor_type: { elem_type: OnnxDataType.FLOAT, shape: { dim } } } };
}

export function encodeOnnx(spec: OnnxModelSpec): Uint8Array {
  const model = ModelProto.fromObject({
    ir_version: 8n,
    opset_import: [{ domain: '', version: BigInt(spec.opset) }],
    producer_name: spec.producer ?? 'hashi',
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attributeObject(k, v)),
      })),
      initializer: spec.initializers.map(tensorObject),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(model).finish();
}
