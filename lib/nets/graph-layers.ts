/**
 * A graph's streaming hardware cut into one module per stage (each conv or
 * linear with its activation and requantization, each residual add, max pool,
 * global pool), for per-layer reports (`hashi report net`): the same lib/hw
 * functions and options as `graphStreamingHw` builds for the whole graph
 * (it builds each unit, `part`), with the stage's latency, FIFO depth and
 * position lag, and the streaming schedule's timing.
 *
 * Units must be elaborated in order: a unit's input ports take the channel
 * widths and value ranges its producer recorded (an accumulator enters as wide
 * as its exact range, so Yosys sizes the adders as in the whole design).
 */
import { Bool, IO, Input, MixedVec, Output, SInt, Stream, defineModule, elaborate } from '../../dsl/index.ts';
import type { ModuleDef, SIntValue } from '../../dsl/index.ts';
import { signedWidth } from '../fixed/bigint.ts';
import type { QFormat } from '../fixed/format.ts';
import type { Shape3 } from '../golden/tensor.ts';
import type { PixelStream } from '../hw/streaming-more.ts';
import { fitWidth } from '../hw/post.ts';
import { convKind, inferGraph, nodeInputs, type Graph, type GraphNode } from './graph.ts';
import { graphStreamingHw, type GraphStreamingOptions, type StageInfo } from './graph-streaming.ts';

export type LayerUnitKind = 'conv' | 'depthwise' | 'pointwise' | 'grouped' | 'linear' | 'residual' | 'maxpool' | 'pool';

export interface LayerUnit {
  /** The stage's name (its first node's). */
  readonly name: string;
  readonly kind: LayerUnitKind;
  readonly in: Shape3;
  readonly out: Shape3;
  readonly nonzero: number;
  /** Register stages (as graphStreamingHw's stages). */
  readonly latency: number;
  readonly fifoDepth?: number;
  /** Grid positions from the stage's last input pixel to the position completing its last output (0 for 1x1 and non-windowed stages). */
  readonly lag: number;
  /** The module (elaborate the units in order). */
  readonly def: ModuleDef;
}

export interface StreamingTiming {
  /** Cycles per image at full input rate: the first windowed layer's padded grid (H + p)(W + p). */
  readonly cyclesPerImage: number;
  /** Cycles from the first to the last input pixel of a frame at full rate. */
  readonly inputCycles: number;
  /** Cycles from the last input pixel to the output: the sum of lags and latencies (of every stage, parallel branches too: an upper bound). */
  readonly tailLatency: number;
  readonly latency: number;
}

const ANCHORS: ReadonlySet<GraphNode['op']> = new Set(['conv', 'linear', 'add', 'maxPool', 'globalAvgPool', 'avgPool']);

/** The units' node groups: an anchor node, then the elementwise nodes that only it feeds, in a chain. */
function groups(g: Graph): GraphNode[][] {
  const info = inferGraph(g);
  const out: GraphNode[][] = [];
  let cur: GraphNode[] | undefined;
  for (const n of g.nodes) {
    const last = cur?.[cur.length - 1];
    const joins = cur !== undefined && last !== undefined && !ANCHORS.has(n.op) && n.op !== 'add' && nodeInputs(n)[0] === last.name && (info.consumers.get(last.name) ?? []).length === 1;
    if (joins) (cur as GraphNode[]).push(n);
    else {
      cur = [n];
      out.push(cur);
    }
  }
  return out;
}

function lagOf(n: GraphNode, inShape: Shape3, outShape: Shape3): number {
  if (n.op !== 'conv' && n.op !== 'maxPool') return 0;
  const p = n.padding;
  const first = n.kernel - 1 - p;
  const rLast = first + n.stride * (outShape[0] - 1);
  const cLast = first + n.stride * (outShape[1] - 1);
  return (rLast - (inShape[0] - 1)) * (inShape[1] + p) + (cLast - (inShape[1] - 1));
}

/** What a unit's consumers need of its output stream. */
interface Recorded {
  readonly fmt: QFormat;
  readonly widths: readonly number[];
  readonly ranges?: readonly (readonly [bigint, bigint])[];
}

/**
 * The per-stage units of `g` and the schedule's timing. The whole graph is
 * elaborated once first (in a throwaway module) for its stages (latencies,
 * FIFO depths) and each add's skip input.
 */
export function graphLayerUnits(g: Graph, o: Omit<GraphStreamingOptions, 'part' | 'layerModules'> = {}): { units: LayerUnit[]; timing: StreamingTiming } {
  const info = inferGraph(g);
  let whole: ReturnType<typeof graphStreamingHw> | undefined;
  elaborate(
    defineModule({
      name: 'GraphSchedule',
      body: () => {
        const io = IO({ in: Input(Stream(MixedVec(Array.from({ length: g.input.shape[2] }, () => SInt(g.input.fmt.int + g.input.fmt.frac))), { alwaysReady: true })) });
        whole = graphStreamingHw(g, { valid: io.in.valid, pixel: io.in.bits.toArray() as SIntValue[] }, o);
        return io;
      },
    }),
    {},
  );
  const hw = whole as NonNullable<typeof whole>;
  const stageOf = new Map<string, StageInfo>(hw.stages.map((s) => [s.name, s]));
  const fifoDepths = new Map(hw.stages.filter((s) => s.fifoDepth !== undefined).map((s) => [s.name, s.fifoDepth as number]));
  const recorded = new Map<string, Recorded>([[g.input.name, { fmt: g.input.fmt, widths: Array.from({ length: g.input.shape[2] }, () => g.input.fmt.int + g.input.fmt.frac) }]]);
  const units: LayerUnit[] = [];
  let layerIndex = 0;
  for (const grp of groups(g)) {
    const head = grp[0] as GraphNode;
    const last = grp[grp.length - 1] as GraphNode;
    if (head.op === 'flatten' || head.op === 'reshape' || !ANCHORS.has(head.op)) {
      // A lone reshape or activation: no hardware of its own; its consumers read the producer's stream.
      const src = recorded.get(nodeInputs(head)[0] as string);
      for (const n of grp) if (src) recorded.set(n.name, src);
      continue;
    }
    const members = new Set(grp.map((n) => n.name));
    const external = [...new Set(grp.flatMap((n) => nodeInputs(n)).filter((t) => !members.has(t)))];
    const inShape = info.tensors.get(external[0] as string)?.shape ?? g.input.shape;
    const outShape = (info.tensors.get(last.name) as { shape: Shape3 }).shape;
    const firstLayer = layerIndex;
    if (head.op === 'conv' || head.op === 'linear') layerIndex++;
    const kind: LayerUnitKind =
      head.op === 'conv' ? convKind(head, inShape[2]) : head.op === 'linear' ? 'linear' : head.op === 'add' ? 'residual' : head.op === 'maxPool' ? 'maxpool' : 'pool';
    const stage = stageOf.get(head.name);
    const readsInput = external.includes(g.input.name);
    const def = defineModule({
      name: `L${String(units.length).padStart(2, '0')}_${head.name.replace(/[^A-Za-z0-9]+/g, '_')}`,
      body: () => {
        const ins = external.map((t) => {
          const r = recorded.get(t);
          if (!r) throw new Error(`hashi internal: unit ${head.name} elaborated before the producer of ${t}`);
          // Each channel as wide as its exact range (an accumulator tree's output), sign-extended inside.
          return r.widths.map((w, c) => Math.min(w, r.ranges?.[c] ? signedWidth(...(r.ranges[c] as readonly [bigint, bigint])) : w));
        });
        const port = (ws: readonly number[]) => Input(Stream(MixedVec(ws.map((w) => SInt(w))), { alwaysReady: true }));
        const io = IO({ in: port(ins[0] as number[]), in2: port((ins[1] ?? [1]) as number[]) });
        const streams = new Map<string, PixelStream>();
        external.forEach((t, k) => {
          const r = recorded.get(t) as Recorded;
          const p = k === 0 ? io.in : io.in2;
          const bits = p.bits.toArray() as SIntValue[];
          streams.set(t, { valid: p.valid, pixel: r.widths.map((w, c) => fitWidth(bits[c] as SIntValue, w)), fmt: r.fmt, ...(r.ranges ? { ranges: r.ranges } : {}) });
        });
        const res = graphStreamingHw(g, { valid: io.in.valid, pixel: [] }, { ...o, part: { nodes: members, inputs: streams, output: last.name, fifoDepths, skipOf: hw.skipInputs, firstLayer } });
        const widths = res.output.pixel.map((v) => v.width);
        recorded.set(last.name, { fmt: res.output.fmt, widths, ...(res.output.ranges ? { ranges: res.output.ranges } : {}) });
        const out = IO({ out: Output(Stream(MixedVec(widths.map((w) => SInt(w))), { alwaysReady: true })), ...(readsInput ? { ready: Output(Bool()) } : {}) });
        out.out.valid.connect(res.output.valid);
        res.output.pixel.forEach((v, c) => out.out.bits.at(c).connect(v));
        if ('ready' in out && out.ready) out.ready.connect(res.ready);
        return { ...io, ...out };
      },
    });
    const nonzero = head.op === 'conv' || head.op === 'linear' ? head.params.weights.filter((w) => w.sign !== 0).length : 0;
    units.push({
      name: head.name,
      kind,
      in: inShape,
      out: head.op === 'add' || head.op === 'conv' || head.op === 'maxPool' || head.op === 'globalAvgPool' || head.op === 'linear' ? (info.tensors.get(head.name) as { shape: Shape3 }).shape : outShape,
      nonzero,
      latency: stage?.latency ?? 0,
      ...(stage?.fifoDepth !== undefined ? { fifoDepth: stage.fifoDepth } : {}),
      lag: lagOf(head, inShape, (info.tensors.get(head.name) as { shape: Shape3 }).shape),
      def,
    });
  }
  const [H, W] = g.input.shape;
  const firstWindow = g.nodes.find((n) => (n.op === 'conv' || n.op === 'maxPool') && n.input === g.input.name);
  const p = firstWindow && (firstWindow.op === 'conv' || firstWindow.op === 'maxPool') ? firstWindow.padding : 0;
  const tail = units.reduce((a, u) => a + u.lag + u.latency, 0);
  const input = (H - 1) * (W + p) + W - 1;
  return { units, timing: { cyclesPerImage: (H + p) * (W + p), inputCycles: input, tailLatency: tail, latency: input + tail } };
}

