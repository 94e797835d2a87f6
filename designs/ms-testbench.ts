// The MsEngine testbench (tests and `hashi report ms`): load a program, weights and an
// input map into the MsEngine model, run layers, read maps back from the ring.
import type { IOOf } from '../dsl/index.ts';
import type { DesignSimulator } from '../sim/index.ts';
import type { MsEngine, MsLayerDescriptor, MsMap, MsProgram } from '../lib/engines/ms/index.ts';
import { msPackMap } from '../lib/engines/ms/index.ts';

/** A simulated MsEngine (or MsAccelerator: the same ports), driven through its typed ports. */
export type EngineSim = DesignSimulator<IOOf<typeof MsEngine>>;

export function idle(sim: EngineSim): void {
  const io = sim.io;
  for (const port of [io.ringWrite, io.weightWrite, io.channelWrite, io.layerWrite, io.start]) port.valid.poke(0);
}

/** Weights, channel parameters and layer descriptors, one per cycle. */
export function loadProgram(sim: EngineSim, prog: MsProgram): void {
  const { weightWrite, channelWrite } = sim.io;
  weightWrite.valid.poke(1);
  for (const wr of prog.weights) {
    weightWrite.bits.bank.poke(wr.bank);
    weightWrite.bits.addr.poke(wr.addr);
    weightWrite.bits.data.poke(wr.data);
    sim.step();
  }
  weightWrite.valid.poke(0);
  channelWrite.valid.poke(1);
  for (const c of prog.channels) {
    channelWrite.bits.bank.poke(c.bank);
    channelWrite.bits.addr.poke(c.addr);
    channelWrite.bits.bias.poke(c.bias);
    channelWrite.bits.multiplier.poke(c.multiplier);
    sim.step();
  }
  channelWrite.valid.poke(0);
  loadDescriptors(sim, prog.descriptors);
}

export function loadDescriptors(sim: EngineSim, descriptors: readonly MsLayerDescriptor[]): void {
  const { layerWrite } = sim.io;
  layerWrite.valid.poke(1);
  descriptors.forEach((d, i) => {
    layerWrite.bits.index.poke(i);
    // Every field of the descriptor type, by its typed key.
    for (const key of Object.keys(d) as (keyof MsLayerDescriptor)[]) layerWrite.bits.desc[key].poke(d[key]);
    sim.step();
  });
  layerWrite.valid.poke(0);
}

export function writeRing(sim: EngineSim, ringWords: number, base: number, words: readonly bigint[]): void {
  const { ringWrite } = sim.io;
  ringWrite.valid.poke(1);
  words.forEach((word, j) => {
    ringWrite.bits.addr.poke((base + j) % ringWords);
    ringWrite.bits.data.poke(word);
    sim.step();
  });
  ringWrite.valid.poke(0);
}

export function readRing(sim: EngineSim, ringWords: number, base: number, count: number): bigint[] {
  return Array.from({ length: count }, (_, j) => {
    sim.io.ringReadAddr.poke((base + j) % ringWords);
    sim.step(); // the SRAM answers in the next cycle
    return BigInt(sim.io.ringReadData.peek());
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
  const { start, done, counters } = sim.io;
  start.valid.poke(1);
  start.bits.first.poke(first);
  start.bits.last.poke(last);
  start.bits.gating.poke(opts.gating ? 1 : 0);
  start.bits.lineRegister.poke(opts.lineRegister ? 1 : 0);
  sim.step();
  start.valid.poke(0);
  let n = 0;
  for (; n < limit; n++) {
    const finishing = done.peek() === 1;
    sim.step();
    if (finishing) break;
  }
  if (n >= limit) throw new Error(`ms engine: no done within ${limit} cycles`);
  return {
    cycles: Number(counters.cycles.peek()),
    reads: Number(counters.reads.peek()),
    writes: Number(counters.writes.peek()),
    macSteps: Number(counters.macSteps.peek()),
    observed: n + 1,
  };
}
