// The engine's layer program: per-layer descriptors the host writes into the
// engine, the weight and channel-parameter images of its buffers, and the sizes
// an engine must have to run a network.
import type { MsLayer } from './golden.ts';
import { msCheckLayer, msLanes } from './golden.ts';
import { msMemoryPlan, msMinRingWords } from './plan.ts';
import type { MsMemoryPlan } from './plan.ts';

/** Elaboration parameters of the engine (all numbers: they are module parameters). */
export const msEngineDefaults = {
  /** Po output channels x Px pixels of one output row: the MAC array. */
  po: 4,
  px: 4,
  ringWords: 80,
  wordBits: 64,
  maxLayers: 4,
  maxChannels: 8,
  maxHeight: 8,
  maxWidth: 8,
  maxKernel: 3,
  /** Words per weight bank (one bank per output-channel lane). */
  weightDepth: 256,
  /** Words per bias/multiplier bank. */
  channelDepth: 8,
};
export type MsEngineParams = typeof msEngineDefaults;

/** One layer as the engine's controller reads it: every size precomputed, so the hardware only counts. */
export interface MsLayerDescriptor {
  readonly cin: number;
  readonly cout: number;
  readonly hIn: number;
  readonly wIn: number;
  readonly hOut: number;
  readonly wOut: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly inBits: number;
  readonly outBits: number;
  readonly inZero: number;
  readonly outZero: number;
  readonly shift: number;
  /** Input channels per MAC step (msLanes) and the number of such groups. */
  readonly lanes: number;
  readonly cinGroups: number;
  readonly lineIn: number;
  readonly lineOut: number;
  readonly rowIn: number;
  readonly inWords: number;
  readonly inBase: number;
  readonly outBase: number;
  readonly weightBase: number;
  readonly channelBase: number;
  readonly coBlocks: number;
  readonly xBlocks: number;
}

export interface MsWeightWrite {
  readonly bank: number;
  readonly addr: number;
  readonly data: number;
}
export interface MsChannelWrite {
  readonly bank: number;
  readonly addr: number;
  readonly bias: number;
  readonly multiplier: number;
}

export interface MsProgram {
  readonly plan: MsMemoryPlan;
  readonly descriptors: readonly MsLayerDescriptor[];
  readonly weights: readonly MsWeightWrite[];
  readonly channels: readonly MsChannelWrite[];
}

/** The smallest engine parameters that run `layers` (ring at its minimum unless given). */
export function msEngineParamsFor(layers: readonly MsLayer[], base: Partial<MsEngineParams> = {}): MsEngineParams {
  const p = { ...msEngineDefaults, ...base };
  const blocks = (l: MsLayer) => Math.ceil(l.cout / p.po);
  return {
    ...p,
    ringWords: base.ringWords ?? msMinRingWords(layers, p.wordBits),
    maxLayers: Math.max(1, layers.length),
    maxChannels: Math.max(...layers.flatMap((l) => [l.cin, l.cout])),
    maxHeight: Math.max(...layers.map((l) => l.hIn)),
    maxWidth: Math.max(...layers.map((l) => l.wIn)),
    maxKernel: Math.max(...layers.map((l) => l.k)),
    weightDepth: Math.max(1, layers.reduce((s, l) => s + blocks(l) * Math.ceil(l.cin / msLanes(l)) * l.k * l.k, 0)),
    channelDepth: Math.max(1, layers.reduce((s, l) => s + blocks(l), 0)),
  };
}

/**
 * Compiles a plain conv network for an engine: memory plan (layer 0's input at
 * `firstBase`), descriptors and buffer images. Errors name the layer and the
 * engine limit it exceeds.
 */
export function msCompile(layers: readonly MsLayer[], p: MsEngineParams, opts: { firstBase?: number; unchecked?: boolean } = {}): MsProgram {
  layers.forEach((l, i) => msCheckLayer(l, `ms layer ${i}`));
  if (layers.length > p.maxLayers) throw new RangeError(`ms program: ${layers.length} layers, the engine holds ${p.maxLayers} (raise maxLayers)`);
  const plan = msMemoryPlan(layers, { ringWords: p.ringWords, firstBase: opts.firstBase ?? 0, wordBits: p.wordBits, unchecked: opts.unchecked });
  const weights: MsWeightWrite[] = [];
  const channels: MsChannelWrite[] = [];
  let weightBase = 0;
  let channelBase = 0;
  const descriptors = layers.map((l, i): MsLayerDescriptor => {
    const where = `ms layer ${i}`;
    const limits: [number, number, string][] = [
      [l.cin, p.maxChannels, 'input channels (maxChannels)'],
      [l.cout, p.maxChannels, 'output channels (maxChannels)'],
      [l.hIn, p.maxHeight, 'input height (maxHeight)'],
      [l.wIn, p.maxWidth, 'input width (maxWidth)'],
      [l.k, p.maxKernel, 'kernel size (maxKernel)'],
    ];
    for (const [v, max, what] of limits) if (v > max) throw new RangeError(`${where}: ${what} is ${v}, the engine allows ${max}`);
    if (l.stride > l.k) throw new RangeError(`${where}: stride ${l.stride} is larger than the kernel ${l.k}; the engine skips no input rows`);
    const prev = layers[i - 1];
    if (prev && prev.outZero !== l.inZero) throw new RangeError(`${where}: inZero ${l.inZero} differs from layer ${i - 1}'s outZero ${prev.outZero}; gating needs them equal`);
    const lp = plan.layers[i]!;
    const coBlocks = Math.ceil(l.cout / p.po);
    const lanes = msLanes(l);
    const cinGroups = Math.ceil(l.cin / lanes);
    const field = 8 / lanes; // a group's weights share one 8-bit entry, channel g of the group in bits g*field ..
    for (let b = 0; b < coBlocks; b++) {
      for (let lane = 0; lane < p.po; lane++) {
        const co = b * p.po + lane;
        if (co >= l.cout) continue;
        channels.push({ bank: lane, addr: channelBase + b, bias: l.bias[co]!, multiplier: l.multiplier[co]! });
        for (let gi = 0; gi < cinGroups; gi++) {
          for (let t = 0; t < l.k * l.k; t++) {
            let entry = 0;
            for (let g = 0; g < lanes && gi * lanes + g < l.cin; g++) {
              const w = l.weights[(co * l.cin + gi * lanes + g) * l.k * l.k + t]!;
              entry |= (w & ((1 << field) - 1)) << (g * field);
            }
            weights.push({ bank: lane, addr: weightBase + (b * cinGroups + gi) * l.k * l.k + t, data: entry >= 128 ? entry - 256 : entry });
          }
        }
      }
    }
    const d: MsLayerDescriptor = {
      cin: l.cin,
      cout: l.cout,
      hIn: l.hIn,
      wIn: l.wIn,
      hOut: lp.hOut,
      wOut: lp.wOut,
      k: l.k,
      stride: l.stride,
      pad: l.pad,
      inBits: l.inBits,
      outBits: l.outBits,
      inZero: l.inZero,
      outZero: l.outZero,
      shift: l.shift,
      lanes,
      cinGroups,
      lineIn: lp.lineIn,
      lineOut: lp.lineOut,
      rowIn: lp.rowIn,
      inWords: lp.inWords,
      inBase: lp.inBase,
      outBase: lp.outBase,
      weightBase,
      channelBase,
      coBlocks,
      xBlocks: Math.ceil(lp.wOut / p.px),
    };
    weightBase += coBlocks * cinGroups * l.k * l.k;
    channelBase += coBlocks;
    return d;
  });
  if (weightBase > p.weightDepth) throw new RangeError(`ms program: the weights need ${weightBase} words per bank, the engine has weightDepth ${p.weightDepth}`);
  if (channelBase > p.channelDepth) throw new RangeError(`ms program: the channel parameters need ${channelBase} words per bank, the engine has channelDepth ${p.channelDepth}`);
  return { plan, descriptors, weights, channels };
}
