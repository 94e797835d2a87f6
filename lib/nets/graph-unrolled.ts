/**
 * The unrolled hardener of any network graph, the paper's form: every layer
 * over the whole feature map at once (lib/hw/layers.ts: one Po2 adder tree per
 * output element), the input tensor in and the output tensor out in the same
 * cycle, combinationally. Only small nets fit; the streaming form
 * (graph-streaming.ts) is the one that scales. Same integers as `graphGolden`;
 * the same fusion as the streaming form (activation + requantize, add +
 * requantize: one `layerOutputHw` / `residualAddHw`).
 */
import { mux } from '../../dsl/index.ts';
import type { SIntValue } from '../../dsl/index.ts';
import { EXACT } from '../golden/accumulate.ts';
import { clipRawBounds, type Activation } from '../golden/post.ts';
import { hwcIndex, type Shape3 } from '../golden/tensor.ts';
import { conv2dHw, depthwiseHw, layerOutputHw, linearHw, pointwiseHw, residualAddHw, type HwTensor } from '../hw/layers.ts';
import { globalAvgPoolHw } from '../hw/pool.ts';
import { GraphError, convKind, inferGraph, type ClipNode, type ConvNode, type Graph, type GraphNode, type TensorInfo } from './graph.ts';
import { clipAsActivation, depthwiseWeightsHwc, expandGroups } from './graph-golden.ts';

type Value =
  | { readonly kind: 'tensor'; readonly t: HwTensor & { channelRanges?: readonly (readonly [bigint, bigint])[] }; readonly act?: Activation | ClipNode }
  | { readonly kind: 'sum'; readonly a: HwTensor; readonly b: HwTensor };

function clampTensor(t: HwTensor, c: ClipNode): HwTensor {
  const [lo, hi] = clipRawBounds(c.min, c.max, t.fmt.frac);
  const data = t.data.map((v) => {
    let r: SIntValue = v;
    if (hi !== undefined) r = mux(r.gt(hi), hi, r);
    if (lo !== undefined) r = mux(r.lt(lo), lo, r);
    return r.width > v.width ? r.trunc(v.width) : r;
  });
  return { shape: t.shape, fmt: t.fmt, data };
}

function maxOf(vs: readonly SIntValue[]): SIntValue {
  if (vs.length === 1) return vs[0] as SIntValue;
  const h = vs.length >> 1;
  const a = maxOf(vs.slice(0, h));
  const b = maxOf(vs.slice(h));
  return mux(a.gt(b), a, b);
}

/** `g` on a whole input tensor (HWC, the input's format and width), combinationally. */
export function graphUnrolledHw(g: Graph, image: HwTensor): HwTensor {
  const info = inferGraph(g);
  const fail = (n: GraphNode, m: string): never => {
    throw new GraphError(g.name, n.name, `(${n.op}) ${m}`);
  };
  const want = g.input.shape;
  if (image.shape.some((d, i) => d !== want[i])) throw new GraphError(g.name, undefined, `input is ${image.shape.join('x')}, the graph wants ${want.join('x')}`);
  const values = new Map<string, Value>([[g.input.name, { kind: 'tensor', t: image }]]);
  const shapeOf = (name: string): Shape3 => (info.tensors.get(name) as TensorInfo).shape;

  function materialize(name: string): HwTensor {
    const v = values.get(name) as Value;
    let t: HwTensor;
    if (v.kind === 'sum') t = residualAddHw(v.a, v.b);
    else if (v.act === undefined) return v.t;
    else t = typeof v.act === 'string' ? layerOutputHw(v.t, { out: v.t.fmt, activation: v.act }) : clampTensor(v.t, v.act);
    values.set(name, { kind: 'tensor', t });
    return t;
  }

  for (const n of g.nodes) {
    switch (n.op) {
      case 'conv': {
        const x = materialize(n.input);
        const C = x.shape[2];
        const opts = { stride: n.stride, padding: n.padding, mode: n.params.mode ?? EXACT, ...(n.params.bias ? { bias: n.params.bias } : {}) };
        const kind = convKind(n, C);
        const t =
          kind === 'depthwise'
            ? depthwiseHw(x, depthwiseWeightsHwc(n.params.weights, C, n.kernel), n.kernel, opts)
            : kind === 'pointwise'
              ? pointwiseHw(x, n.params.weights, n.outChannels, { stride: n.stride, mode: opts.mode, ...(n.params.bias ? { bias: n.params.bias } : {}) })
              : conv2dHw(x, kind === 'grouped' ? expandGroups(n, C) : n.params.weights, n.outChannels, n.kernel, opts);
        values.set(n.name, { kind: 'tensor', t });
        break;
      }
      case 'linear': {
        const x = materialize(n.input);
        values.set(n.name, { kind: 'tensor', t: linearHw(x, n.params.weights, n.outFeatures, { mode: n.params.mode ?? EXACT, ...(n.params.bias ? { bias: n.params.bias } : {}) }) });
        break;
      }
      case 'relu':
      case 'relu6':
      case 'clip': {
        const t = materialize(n.input);
        values.set(n.name, { kind: 'tensor', t, act: n.op === 'clip' ? n : n.op });
        break;
      }
      case 'add':
        values.set(n.name, { kind: 'sum', a: materialize(n.inputs[0]), b: materialize(n.inputs[1]) });
        break;
      case 'requantize': {
        const v = values.get(n.input) as Value;
        const sat = n.out.saturation ?? 'full';
        const rounding = n.out.rounding === 'half-even' ? { rounding: n.out.rounding } : {};
        let t: HwTensor;
        if (v.kind === 'sum') t = residualAddHw(v.a, v.b, n.out.fmt, sat, n.out.rounding);
        else {
          const act = v.act === undefined ? 'none' : typeof v.act === 'string' ? v.act : clipAsActivation(v.act, v.t.fmt.frac);
          t = layerOutputHw(act === undefined ? materialize(n.input) : v.t, { out: n.out.fmt, activation: act ?? 'none', saturation: sat, ...rounding });
        }
        values.set(n.name, { kind: 'tensor', t });
        break;
      }
      case 'maxPool': {
        const x = materialize(n.input);
        const [H, W, C] = x.shape;
        const [OH, OW] = shapeOf(n.name);
        const data: SIntValue[] = [];
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++)
            for (let c = 0; c < C; c++) {
              const win: SIntValue[] = [];
              for (let ky = 0; ky < n.kernel; ky++)
                for (let kx = 0; kx < n.kernel; kx++) {
                  const y = oy * n.stride - n.padding + ky;
                  const xx = ox * n.stride - n.padding + kx;
                  if (y >= 0 && xx >= 0 && y < H && xx < W) win.push(x.data[hwcIndex(x.shape, y, xx, c)] as SIntValue);
                }
              data.push(maxOf(win));
            }
        values.set(n.name, { kind: 'tensor', t: { shape: [OH, OW, C], fmt: x.fmt, data } });
        break;
      }
      case 'avgPool':
        return fail(n, 'average pooling over windows is not unrolled yet (globalAvgPool is)');
      case 'globalAvgPool': {
        const x = materialize(n.input);
        values.set(n.name, { kind: 'tensor', t: globalAvgPoolHw(x, n.out.fmt, n.out.saturation ?? 'full', n.out.rounding) });
        break;
      }
      case 'flatten':
      case 'reshape': {
        const x = materialize(n.input);
        values.set(n.name, { kind: 'tensor', t: { shape: shapeOf(n.name), fmt: x.fmt, data: x.data } });
        break;
      }
    }
  }
  return materialize(g.output);
}
