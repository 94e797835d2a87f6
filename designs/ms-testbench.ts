// The MsEngine testbench (tests and `hashi report ms`): load a program, weights and an
// input map into the MsEngine model, run layers, read maps back from the ring.
import type { DesignSimulator } from '../sim/index.ts';
import type { MsLayerDescriptor, MsMap, MsProgram } from '../lib/engines/ms/index.ts';
import { msPackMap } from '../lib/engines/ms/index.ts';

export type EngineSim = DesignSimulator;

export function idle(sim: EngineSim): void {
  sim.poke('ringWrite_valid', 0);
  sim.poke('weightWrite_valid', 0);
  sim.poke('channelWrite_valid', 0);
  sim.poke('layerWrite_valid', 0);
  sim.poke('start_valid', 0);
}

/** Weights, channel parameters and layer descriptors, one per cycle. */
export function loadProgram(sim: EngineSim, prog: MsProgram): void {
  sim.poke('weightWrite_valid', 1);
  for (const wr of prog.weights) {
    sim.poke('weightWrite_bits_bank', wr.bank);
    sim.poke('weightWrite_bits_addr', wr.addr);
    sim.poke('weightWrite_bits_data', wr.data);
    sim.step();
  }
  sim.poke('weightWrite_valid', 0);
  sim.poke('channelWrite_valid', 1);
  for (const c of prog.channels) {
    sim.poke('channelWrite_bits_bank', c.bank);
    sim.poke('channelWrite_bits_addr', c.addr);
    sim.poke('channelWrite_bits_bias', c.bias);
    sim.poke('channelWrite_bits_multiplier', c.multiplier);
    sim.step();
  }
  sim.poke('channelWrite_valid', 0);
  loadDescriptors(sim, prog.descriptors);
}

export function loadDescriptors(sim: EngineSim, descriptors: readonly MsLayerDescriptor[]): void {
  sim.poke('layerWrite_valid', 1);
  descriptors.forEach((d, i) => {
    sim.poke('layerWrite_bits_index', i);
    sim.poke('layerWrite_bits_desc_cin', d.cin);
    sim.poke('layerWrite_bits_desc_cout', d.cout);
    sim.poke('layerWrite_bits_desc_hIn', d.hIn);
    sim.poke('layerWrite_bits_desc_wIn', d.wIn);
    sim.poke('layerWrite_bits_desc_hOut', d.hOut);
    sim.poke('layerWrite_bits_desc_wOut', d.wOut);
    sim.poke('layerWrite_bits_desc_k', d.k);
    sim.poke('layerWrite_bits_desc_stride', d.stride);
    sim.poke('layerWrite_bits_desc_pad', d.pad);
    sim.poke('layerWrite_bits_desc_inBits', d.inBits);
    sim.poke('layerWrite_bits_desc_outBits', d.outBits);
    sim.poke('layerWrite_bits_desc_inZero', d.inZero);
    sim.poke('layerWrite_bits_desc_outZero', d.outZero);
    sim.poke('layerWrite_bits_desc_shift', d.shift);
    sim.poke('layerWrite_bits_desc_lineIn', d.lineIn);
    sim.poke('layerWrite_bits_desc_lineOut', d.lineOut);
    sim.poke('layerWrite_bits_desc_rowIn', d.rowIn);
    sim.poke('layerWrite_bits_desc_inWords', d.inWords);
    sim.poke('layerWrite_bits_desc_inBase', d.inBase);
    sim.poke('layerWrite_bits_desc_outBase', d.outBase);
    sim.poke('layerWrite_bits_desc_weightBase', d.weightBase);
    sim.poke('layerWrite_bits_desc_channelBase', d.channelBase);
    sim.poke('layerWrite_bits_desc_coBlocks', d.coBlocks);
    sim.poke('layerWrite_bits_desc_xBlocks', d.xBlocks);
    sim.step();
  });
  sim.poke('layerWrite_valid', 0);
}

export function writeRing(sim: EngineSim, ringWords: number, base: number, words: readonly bigint[]): void {
  sim.poke('ringWrite_valid', 1);
  words.forEach((word, j) => {
    sim.poke('ringWrite_bits_addr', (base + j) % ringWords);
    sim.poke('ringWrite_bits_data', word);
    sim.step();
  });
  sim.poke('ringWrite_valid', 0);
}

export function readRing(sim: EngineSim, ringWords: number, base: number, count: number): bigint[] {
  return Array.from({ length: count }, (_, j) => {
    sim.poke('ringReadAddr', (base + j) % ringWords);
    sim.step(); // the SRAM answers in the next cycle
    return BigInt(sim.peek('ringReadData'));
  });
}

export function writeInput(sim: EngineSim, prog: MsProgram, input: MsMap, bits: 2 | 4 | 8): void {
  writeRing(sim, prog.plan.ringWords, prog.plan.layers[0]!.inBase, msPackMap(input, bits, prog.plan.wordBits));
}

export interface EngineRun {
  readonly cycles: number;
  readonly reads: number;
  readonly writes: number;
  readonly macSteps: number;
  /** Cycles from the start cycle to done, measured by the test. */
  readonly observed: number;
}

/** Runs layers first..last; returns the engine's counters. */
export function runLayers(sim: EngineSim, first: number, last: number, opts: { gating: boolean; lineRegister: boolean }, limit = 2_000_000): EngineRun {
  sim.poke('start_valid', 1);
  sim.poke('start_bits_first', first);
  sim.poke('start_bits_last', last);
  sim.poke('start_bits_gating', opts.gating ? 1 : 0);
  sim.poke('start_bits_lineRegister', opts.lineRegister ? 1 : 0);
  sim.step();
  sim.poke('start_valid', 0);
  let n = 0;
  for (; n < limit; n++) {
    const finishing = sim.peek('done') === 1;
    sim.step();
    if (finishing) break;
  }
  if (n >= limit) throw new Error(`ms engine: no done within ${limit} cycles`);
  return {
    cycles: Number(sim.peek('counters_cycles')),
    reads: Number(sim.peek('counters_reads')),
    writes: Number(sim.peek('counters_writes')),
    macSteps: Number(sim.peek('counters_macSteps')),
    observed: n + 1,
  };
}
