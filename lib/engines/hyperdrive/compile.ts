// From the network graph (lib/nets/graph.ts) to Hyperdrive's layer program: each binary
// conv (k 1 or 3, stride 1 or 2, groups 1) becomes one engine layer with its ReLU and
// residual add fused into the epilogue; the maps live in the engine's three slots (a
// downsampling block's 1x1 shortcut runs first, into a slot of its own, and the block's
// last conv adds onto it in place); the pooling and classifier after the last conv run on
// the host. What the engine cannot run is a GraphError naming the node.
import { fp16FromNumber } from '../../float/fp16-model.ts';
import { GraphError, inferShapes, nodeInputs, type ConvNode, type Graph, type GraphNode } from '../../nets/graph.ts';
import { HYPERDRIVE_MAP_SLOTS, type HyperdriveParams } from './engine.ts';
import { fp16Map, hyperdriveLayerGolden, type Fp16Map, type HyperdriveLayer } from './golden.ts';

export interface HyperdriveStep {
  /** The graph's conv node, and the nodes fused into it (relu, add, requantize). */
  readonly name: string;
  readonly fused: readonly string[];
  readonly layer: HyperdriveLayer;
  readonly slots: { readonly inSlot: number; readonly outSlot: number };
  /** The input map's size (whole map) and each Tile-PU's patch of it. */
  readonly inputSize: readonly [number, number];
  readonly patch: { readonly rows: number; readonly cols: number };
}

export interface HyperdriveProgram {
  readonly graph: string;
  /** The graph input: H x W x C (loaded into slot 0). */
  readonly input: readonly [number, number, number];
  readonly steps: readonly HyperdriveStep[];
  /** The engine's last map: its tensor, slot and shape (C, H, W). */
  readonly output: { readonly tensor: string; readonly slot: number; readonly channels: number; readonly height: number; readonly width: number };
  /** The nodes after it, for the host (pooling, classifier). */
  readonly host: readonly GraphNode[];
  /** Requantize nodes: the engine keeps FP16, so they change nothing on it. */
  readonly ignored: readonly string[];
}

const HOST_OPS = new Set(['globalAvgPool', 'avgPool', 'maxPool', 'flatten', 'reshape', 'linear', 'relu', 'relu6', 'clip', 'requantize']);

/**
 * The graph's nodes with each shortcut conv (a conv read only by an add) moved to right
 * after its input is made: it runs before the block's main branch, whose last conv then
 * adds onto it. Still a topological order.
 */
function shortcutsFirst(g: Graph, consumers: ReadonlyMap<string, readonly string[]>): GraphNode[] {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const isShortcut = (n: GraphNode): boolean => n.op === 'conv' && (consumers.get(n.name) ?? []).length === 1 && byName.get(consumers.get(n.name)![0]!)?.op === 'add';
  const order: GraphNode[] = g.nodes.filter((n) => !isShortcut(n));
  for (const n of g.nodes.filter(isShortcut)) {
    const after = order.findIndex((m) => m.name === (n as ConvNode).input);
    order.splice(after + 1, 0, n); // after its input's node (index -1: the graph input, so first)
  }
  return order;
}

export function compileHyperdrive(g: Graph, p: HyperdriveParams): HyperdriveProgram {
  const shapes = inferShapes(g);
  const fail = (node: string | undefined, message: string): never => {
    throw new GraphError(g.name, node, message);
  };
  const consumers = new Map<string, string[]>();
  for (const n of g.nodes) for (const t of nodeInputs(n)) consumers.set(t, [...(consumers.get(t) ?? []), n.name]);
  const onlyConsumer = (t: string): GraphNode | undefined => {
    const c = consumers.get(t) ?? [];
    return c.length === 1 ? g.nodes.find((n) => n.name === c[0]) : undefined;
  };
  const nodes = shortcutsFirst(g, consumers);
  const position = new Map(nodes.map((n, k) => [n.name, k]));
  const [H, W, C] = g.input.shape;
  checkMap(H, W, C, p, (m) => fail(undefined, `the input ${H}x${W}x${C}: ${m}`));
  // Where each map on the engine lives; a tensor name may alias the map (relu, requantize fused into it).
  const slotOf = new Map<string, number>([[g.input.name, 0]]);
  const steps: HyperdriveStep[] = [];
  const ignored: string[] = [];
  const done = new Set<string>();
  let last = g.input.name;
  let hostFrom = nodes.length;

  // Slots whose maps nobody reads after node i (the conv at i may overwrite them).
  const freeSlots = (i: number, except: readonly string[]): number[] =>
    Array.from({ length: HYPERDRIVE_MAP_SLOTS }, (_, s) => s).filter((s) =>
      [...slotOf].every(([t, ts]) => ts !== s || (consumers.get(t) ?? []).every((c) => position.get(c)! <= i || except.includes(c))),
    );
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (done.has(n.name)) continue;
    if (n.op !== 'conv') {
      if (n.op === 'requantize' && slotOf.has(n.input)) {
        ignored.push(n.name);
        slotOf.set(n.name, slotOf.get(n.input)!);
        last = n.name;
        continue;
      }
      if (HOST_OPS.has(n.op) && nodeInputs(n).every((t) => t === last || !slotOf.has(t))) {
        hostFrom = i;
        break;
      }
      fail(n.name, `the engine runs ${n.op} only fused into a conv's epilogue (conv [-> add] [-> relu]); ${n.op === 'add' ? 'the add must take a conv output and the map before that block' : 'put it after a conv or move it to the host, after the last conv'}`);
    }
    const conv = n as ConvNode;
    const inSlot = slotOf.get(conv.input);
    if (inSlot === undefined) fail(conv.name, `its input '${conv.input}' is not a map on the engine`);
    const [h, w, ci] = shapes.get(conv.input)!;
    if (conv.groups !== 1) fail(conv.name, `grouped or depthwise convs (groups ${conv.groups}) do not run on Hyperdrive: every lane takes the same input channel`);
    if (conv.kernel !== 1 && conv.kernel !== 3) fail(conv.name, `kernel ${conv.kernel}: the engine runs 1x1 and 3x3`);
    if (conv.padding !== (conv.kernel - 1) / 2) fail(conv.name, `padding ${conv.padding}: the engine pads a ${conv.kernel}x${conv.kernel} conv by ${(conv.kernel - 1) / 2}`);
    const [oh, ow, co] = shapes.get(conv.name)!;
    checkMap(oh, ow, co, p, (m) => fail(conv.name, `its output ${oh}x${ow}x${co}: ${m}`));
    if (conv.stride === 2 && ((h / p.tileRows) % 2 || (w / p.tileCols) % 2)) fail(conv.name, `stride 2 needs an even patch per Tile-PU, the input's is ${h / p.tileRows}x${w / p.tileCols}`);
    const { weights, scale } = binaryWeights(conv, ci, fail);
    const bias = conv.params.bias ? conv.params.bias.raw.map((r) => fp16FromNumber(Number(r) * 2 ** -conv.params.bias!.fmt.frac)) : new Array<number>(co).fill(0);

    // Fuse: [requantize] [add with a map on the engine] [requantize] [relu] [requantize].
    const fused: string[] = [];
    let tensor = conv.name;
    let residual = false;
    let relu = false;
    let bypassSlot: number | undefined;
    for (;;) {
      const next = onlyConsumer(tensor);
      if (!next) break;
      if (next.op === 'requantize') ignored.push(next.name);
      else if (next.op === 'add' && !residual && !relu) {
        const other = next.inputs[0] === tensor ? next.inputs[1] : next.inputs[0];
        // A shortcut conv runs before its block's other branch: the add is fused there.
        if (!slotOf.has(other) && position.get(other) !== undefined && position.get(other)! > i) break;
        bypassSlot = slotOf.get(other);
        if (bypassSlot === undefined || bypassSlot === inSlot) fail(next.name, `the bypass '${other}' must be a map on the engine other than this conv's input: the engine adds it in place`);
        residual = true;
      } else if (next.op === 'relu' && !relu) relu = true;
      else break;
      fused.push(next.name);
      done.add(next.name);
      tensor = next.name;
    }
    const free = freeSlots(i, fused).filter((s) => s !== inSlot);
    const outSlot = residual ? bypassSlot! : free[0] ?? fail(conv.name, `no free map slot: the engine's ${HYPERDRIVE_MAP_SLOTS} slots all hold maps still needed`);
    // The slot written now must hold nothing needed later (but the bypass, consumed here).
    for (const [t, s] of slotOf) {
      if (s !== outSlot) continue;
      const later = (consumers.get(t) ?? []).filter((c) => position.get(c)! > i && !fused.includes(c));
      if (later.length) fail(conv.name, `writing slot ${outSlot} would overwrite '${t}', still read by '${later[0]}': the engine has ${HYPERDRIVE_MAP_SLOTS} map slots`);
      slotOf.delete(t);
    }
    slotOf.set(tensor, outSlot);
    for (const f of fused) slotOf.set(f, outSlot);
    last = tensor;
    steps.push({
      name: conv.name,
      fused,
      layer: { inChannels: ci, outChannels: co, kernel: conv.kernel === 1 ? 1 : 3, stride: conv.stride, weights, scale, bias, residual, relu },
      slots: { inSlot: inSlot!, outSlot },
      inputSize: [h, w],
      patch: { rows: h / p.tileRows, cols: w / p.tileCols },
    });
  }
  if (steps.length === 0) fail(undefined, 'no conv for the engine');
  const lateConv = nodes.slice(hostFrom).find((n) => n.op === 'conv');
  if (lateConv) fail(lateConv.name, `a conv after the host part (from '${nodes[hostFrom]!.name}'): the engine runs the convs first, pooling and the classifier last on the host`);
  const [oh, ow, oc] = shapes.get(last)!;
  return {
    graph: g.name,
    input: [H, W, C],
    steps,
    output: { tensor: last, slot: slotOf.get(last)!, channels: oc, height: oh, width: ow },
    host: nodes.slice(hostFrom),
    ignored,
  };
}

function checkMap(h: number, w: number, c: number, p: HyperdriveParams, fail: (m: string) => never): void {
  if (h % p.tileRows || w % p.tileCols) fail(`does not split over ${p.tileRows}x${p.tileCols} Tile-PUs`);
  if (h / p.tileRows > p.patchRows || w / p.tileCols > p.patchCols) fail(`a patch of ${h / p.tileRows}x${w / p.tileCols} exceeds the engine's ${p.patchRows}x${p.patchCols} (patchRows, patchCols)`);
  if (c > p.maxChannels) fail(`${c} channels exceed the engine's ${p.maxChannels} per map slot (maxChannels)`);
}

/** Binary weights: in each output channel every weight is +-2^e with one e (the BWN scale); the scale goes to the epilogue. */
function binaryWeights(conv: ConvNode, inChannels: number, fail: (node: string, m: string) => never): { weights: boolean[]; scale: number[] } {
  const k = conv.kernel;
  const perChannel = inChannels * k * k;
  const weights: boolean[] = [];
  const scale: number[] = [];
  for (let o = 0; o < conv.outChannels; o++) {
    let exp: number | undefined;
    // OHWI in the graph -> [co][ci][ky][kx] on the weight port.
    for (let i = 0; i < inChannels; i++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const w = conv.params.weights[o * perChannel + (ky * k + kx) * inChannels + i]!;
          if (w.sign === 0) fail(conv.name, `output channel ${o} has a zero weight: binary weights are +1 or -1 (times one scale per channel)`);
          if (exp !== undefined && w.exp !== exp) fail(conv.name, `output channel ${o} mixes weight magnitudes 2^${exp} and 2^${w.exp}: a binary layer has one scale per output channel`);
          exp = w.exp;
          weights.push(w.sign > 0);
        }
      }
    }
    const s = fp16FromNumber(2 ** exp!);
    if (exp! < -24 || exp! > 15) fail(conv.name, `output channel ${o}: the scale 2^${exp} is outside FP16`);
    scale.push(s);
  }
  return { weights, scale };
}

/** The program on the FP16 golden model: the engine's last map for an input map. */
export function runHyperdriveProgramGolden(program: HyperdriveProgram, input: Fp16Map): Fp16Map {
  const slots: (Fp16Map | undefined)[] = Array.from({ length: HYPERDRIVE_MAP_SLOTS }, (_, s) => (s === 0 ? input : undefined));
  for (const step of program.steps) {
    const x = slots[step.slots.inSlot]!;
    slots[step.slots.outSlot] = hyperdriveLayerGolden(x, step.layer, step.layer.residual ? slots[step.slots.outSlot] : undefined);
  }
  const out = slots[program.output.slot]!;
  return fp16Map(out.channels, out.height, out.width, out.data);
}
