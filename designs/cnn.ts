// Any network graph (lib/nets/graph.ts) hardened in the streaming form, with
// typed stream ports: `in` = Stream(Vec(C, SInt(w))) (one pixel, all channels,
// per transfer; ready low at the first layer's padding positions), `out` =
// Stream(Vec(K, SInt(w')), { alwaysReady }) (one output pixel per cycle it is
// valid; the output tensor's format). The design file's default export builds
// a built-in family (lib/nets/families.ts) with seeded random Po2 weights:
//   npx hashi emit designs/cnn.ts --param family=resnet18 --param resolution=32
import { IO, Input, Output, SInt, Stream, Vec, defineModule } from '../dsl/index.ts';
import {
  FAMILY_NAMES,
  familySpec,
  formatWidth,
  graphStreamingHw,
  graphUnrolledHw,
  inferGraph,
  qformat,
  randomGraphParams,
  tensorInfo,
  withParams,
  type FamilyName,
  type Graph,
  type GraphStreamingOptions,
  type LineBufferForm,
} from '../lib/index.ts';

/** The ports and hardware of `g` (streaming form), inside a module body. */
function cnnPorts(g: Graph, o: GraphStreamingOptions) {
  const out = tensorInfo(inferGraph(g), g.output);
  const io = IO({
    in: Input(Stream(Vec(g.input.shape[2], SInt(formatWidth(g.input.fmt))))),
    out: Output(Stream(Vec(out.shape[2], SInt(formatWidth(out.fmt))), { alwaysReady: true })),
  });
  const hw = graphStreamingHw(g, { valid: io.in.valid, pixel: io.in.bits.toArray() }, o);
  io.in.ready.connect(hw.ready);
  io.out.valid.connect(hw.output.valid);
  hw.output.pixel.forEach((v, i) => io.out.bits.at(i).connect(v));
  return io;
}

/** A module hardening `g` (streaming form). */
export function cnnModule(g: Graph, o: GraphStreamingOptions & { readonly name?: string } = {}) {
  return defineModule({ name: o.name ?? `Cnn_${g.name.replace(/[^A-Za-z0-9_]/g, '_')}`, body: () => cnnPorts(g, o) });
}

/** A module hardening `g` unrolled (the paper's form, small nets only): the whole input tensor (HWC) in, the output tensor out, combinationally. */
export function cnnUnrolledModule(g: Graph, o: { readonly name?: string } = {}) {
  const out = tensorInfo(inferGraph(g), g.output);
  const [H, W, C] = g.input.shape;
  return defineModule({
    name: o.name ?? `CnnUnrolled_${g.name.replace(/[^A-Za-z0-9_]/g, '_')}`,
    body: () => {
      const io = IO({
        in: Input(Vec(H * W * C, SInt(formatWidth(g.input.fmt)))),
        out: Output(Vec(out.shape[0] * out.shape[1] * out.shape[2], SInt(formatWidth(out.fmt)))),
      });
      const y = graphUnrolledHw(g, { shape: g.input.shape, fmt: g.input.fmt, data: io.in.toArray() });
      y.data.forEach((v, i) => io.out.at(i).connect(v));
      return io;
    },
  });
}

export const cnnDefaults = {
  /** One of lib/nets/families.ts FAMILY_NAMES. */
  family: 'resnet18',
  /** Input resolution H = W. */
  resolution: 32,
  /** Width multiplier (MobileNets). */
  alpha: 1,
  /** Classes of the final linear layer. */
  classes: 10,
  /** Activation width: Q3.(actBits - 3). */
  actBits: 8,
  weightBits: 4,
  sparsity: 0.6,
  seed: 1,
  pipelineEvery: 0,
  lineBuffer: 'registers',
  /** Each conv layer in a module of its own. */
  layerModules: true,
};
export type CnnParams = typeof cnnDefaults;

/** The graph of a family with the design's parameters. */
export function cnnGraph(p: CnnParams): Graph {
  if (!(FAMILY_NAMES as readonly string[]).includes(p.family)) throw new RangeError(`family must be one of ${FAMILY_NAMES.join(', ')}, got '${p.family}'`);
  const act = qformat(3, p.actBits - 3);
  const spec = familySpec(p.family as FamilyName, { resolution: p.resolution, alpha: p.alpha, classes: p.classes, act });
  return withParams(spec, randomGraphParams({ seed: p.seed, weightBits: p.weightBits, sparsity: p.sparsity, biasFormat: qformat(1, act.frac) }));
}

export const Cnn = defineModule({
  name: 'Cnn',
  params: cnnDefaults,
  body: (p) => {
    if (p.lineBuffer !== 'registers' && p.lineBuffer !== 'memory') throw new RangeError(`lineBuffer must be 'registers' or 'memory', got '${p.lineBuffer}'`);
    return cnnPorts(cnnGraph(p), { pipelineEvery: p.pipelineEvery, lineBuffer: p.lineBuffer as LineBufferForm, layerModules: p.layerModules });
  },
});

export default Cnn;
