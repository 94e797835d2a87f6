// Shared by the lib-hw tests (not a test file): wrap hardware layers into one
// simulated module with flat ports and compare every output element with the
// golden model over many input vectors in one batched run.
import { IO, Input, Output, SInt, defineModule } from '../../dsl/index.ts';
import type { ModuleDef, PortSpec, SIntValue } from '../../dsl/index.ts';
import type { VectorLane } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { formatWidth, type FixedTensor, type HwTensor, type QFormat, type Shape3 } from '../../lib/index.ts';

export interface InputDecl {
  readonly shape: Shape3;
  readonly fmt: QFormat;
}

export interface OutputInfo {
  readonly shape: Shape3;
  readonly fmt: QFormat;
  readonly latency: number;
  readonly width: number;
}

export interface Harness {
  readonly def: ModuleDef;
  /** Filled in when the module is elaborated. */
  readonly outputs: Record<string, OutputInfo>;
}

const size = (s: Shape3): number => s[0] * s[1] * s[2];

/** A module with input tensors `<name>_<i>` and output tensors `<name>_<i>` (HWC flat index). */
export function harness(
  name: string,
  inputs: Record<string, InputDecl>,
  build: (xs: Record<string, HwTensor>) => Record<string, HwTensor & { latency?: number }>,
): Harness {
  const outputs: Record<string, OutputInfo> = {};
  const def = defineModule({
    name,
    body: () => {
      const xs: Record<string, HwTensor> = {};
      for (const [n, d] of Object.entries(inputs)) {
        const spec: Record<string, PortSpec> = {};
        for (let i = 0; i < size(d.shape); i++) spec[`${n}_${i}`] = Input(SInt(formatWidth(d.fmt)));
        const io = IO(spec) as Record<string, SIntValue>;
        xs[n] = { shape: d.shape, fmt: d.fmt, data: Array.from({ length: size(d.shape) }, (_, i) => io[`${n}_${i}`] as SIntValue) };
      }
      const ys = build(xs);
      for (const [n, t] of Object.entries(ys)) {
        const w = Math.max(...t.data.map((v) => v.width));
        const spec: Record<string, PortSpec> = {};
        t.data.forEach((_, i) => (spec[`${n}_${i}`] = Output(SInt(w))));
        const io = IO(spec) as Record<string, SIntValue>;
        t.data.forEach((v, i) => (io[`${n}_${i}`] as SIntValue).connect(v));
        outputs[n] = { shape: t.shape, fmt: t.fmt, latency: t.latency ?? 0, width: w };
      }
    },
  });
  return { def, outputs };
}

function laneValue(lane: VectorLane, i: number): bigint {
  if (lane instanceof Int32Array || lane instanceof BigInt64Array) return BigInt(lane[i] as number | bigint);
  throw new Error('harness: unsigned or >64-bit output lane; keep test outputs within 64 signed bits');
}

/**
 * Drive one input tensor set per cycle; return, per output and per vector, the
 * raw elements. Register latency L shows up L - 1 samples late (the sample is
 * taken after the clock edge that loads the last stage).
 */
export function runHarness(sim: DesignSimulator, h: Harness, vectors: readonly Record<string, FixedTensor>[]): Record<string, bigint[][]> {
  const maxLat = Math.max(0, ...Object.values(h.outputs).map((o) => o.latency));
  const cycles = vectors.length + maxLat;
  const lanes: Record<string, number[]> = {};
  const first = vectors[0];
  if (!first) throw new Error('runHarness: no vectors');
  for (const [n, t] of Object.entries(first)) {
    for (let i = 0; i < t.data.length; i++) {
      lanes[`${n}_${i}`] = Array.from({ length: cycles }, (_, c) => Number((vectors[Math.min(c, vectors.length - 1)] as Record<string, FixedTensor>)[n]!.data[i]));
    }
  }
  const outNames = Object.entries(h.outputs).flatMap(([n, o]) => Array.from({ length: size(o.shape) }, (_, i) => `${n}_${i}`));
  const res = sim.runVectors({ inputs: lanes, outputs: outNames, cycles });
  const out: Record<string, bigint[][]> = {};
  for (const [n, o] of Object.entries(h.outputs)) {
    const skew = Math.max(o.latency - 1, 0);
    out[n] = vectors.map((_, v) => Array.from({ length: size(o.shape) }, (_, i) => laneValue(res[`${n}_${i}`]!, v + skew)));
  }
  return out;
}

/** Element-by-element comparison with a readable first mismatch. */
export function firstMismatch(got: readonly bigint[][], want: readonly (readonly bigint[])[]): string | undefined {
  for (let v = 0; v < want.length; v++) {
    const g = got[v]!;
    const w = want[v]!;
    if (g.length !== w.length) return `vector ${v}: ${g.length} elements, golden has ${w.length}`;
    for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) return `vector ${v} element ${i}: hardware ${g[i]}, golden ${w[i]}`;
  }
  return undefined;
}

/**
 * For each output row of OI weights, the two inputs that drive its sum to the
 * ends of its exact range (every activation at the format's extreme matching
 * its weight's sign): every node of that tree then reaches its range end too.
 */
export function extremeInputs(weights: readonly { sign: number }[], outC: number, fmt: QFormat): bigint[][] {
  const n = weights.length / outC;
  const lo = -(1n << BigInt(formatWidth(fmt) - 1));
  const hi = -lo - 1n;
  const out: bigint[][] = [];
  for (let o = 0; o < outC; o++) {
    const row = weights.slice(o * n, (o + 1) * n);
    out.push(row.map((w) => (w.sign < 0 ? lo : hi)));
    out.push(row.map((w) => (w.sign < 0 ? hi : lo)));
  }
  return out;
}
