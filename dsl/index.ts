// hashi's language: the public API. Everything else in dsl/ is internal.
export { UInt, SInt, Bool, Clock, Reset, AsyncReset } from './types.ts';
export type { HwType, BundleType, VecType, MixedVecType, FlippedType, FieldSpec } from './types.ts';
export {
  Data,
  DontCare,
  mux,
  U,
  S,
  B,
  UInt as UIntValue,
  SInt as SIntValue,
  Bool as BoolValue,
  Clock as ClockValue,
  Reset as ResetValue,
} from './values.ts';
export type { Scalar } from './values.ts';
export { IO, Input, Output } from './io.ts';
export { Bundle, Vec, MixedVec, Flipped, BundleValue, VecValue, MixedVecValue, asTypeOf } from './aggregates.ts';
export type { BundleOf } from './value-of.ts';
export type { IOValues, PortSpec, ValueOf } from './io.ts';
export { Wire, Reg, RegInit, RegNext } from './state.ts';
export { when } from './when.ts';
export { Mem, SyncReadMem, MemValue } from './memory.ts';
export type { ReadUnderWrite } from './memory.ts';
export { printf, assert, assume, cover, stop } from './verification.ts';
export { switchOn } from './switch.ts';
export type { SwitchChain } from './switch.ts';
export { Enum } from './enum.ts';
export type { EnumOf, EnumType, EnumValue } from './enum.ts';
export { VecInit, BundleInit } from './literals.ts';
export { Cat, Fill, asBools, PopCount, UIntToOH, OHToUInt, PriorityEncoder, PriorityEncoderOH, Reverse } from './util/bits.ts';
export { MuxCase, MuxLookup, Mux1H } from './util/mux.ts';
export { log2Ceil, log2Up, log2Floor, isPow2 } from './util/math.ts';
export { BitPat, decoder } from './util/bitpat.ts';
export { LFSR, lfsrTaps } from './util/lfsr.ts';
export { RegEnable, ShiftRegister, Counter } from './util/sequential.ts';
export type { CounterHandle } from './util/sequential.ts';
export { Valid, Decoupled, Stream, fire, Queue, QueueModule } from './util/handshake.ts';
export type { ValidType, DecoupledType, StreamOptions } from './util/handshake.ts';

export type { WhenChain } from './when.ts';
export { defineModule, defineRawModule, elaborate, instance, isModuleDef, resolveParams } from './module.ts';
export { defineExtModule, isExtModuleDef } from './ext-module.ts';
export type { ExtModuleDef, ExtModuleSpec } from './ext-module.ts';
export { withClock, withReset, withClockAndReset } from './clock-domains.ts';
export type { IOOf, ModuleDef, ModuleSpec, Params, ParamValue, ParamsInput, ParamsOf, ParamSpec } from './module.ts';
export { oneOf, isChoice, isOneOf, choiceList, paramLeaves, describeParam, defaultsOf } from './params.ts';
export type { Choice } from './params.ts';
export type { CircuitIR as Circuit } from './ir.ts';
export { HashiError, ToolError, printable } from './errors.ts';
export { setProjectRoot } from './locator.ts';
export type { SourceLoc } from './locator.ts';
export { emitFirrtl, FIRRTL_VERSION } from './emit/firrtl.ts';
export type { EmitOptions, EmitStats } from './emit/firrtl.ts';
export { FileSink, StringSink } from './emit/sink.ts';
export type { TextSink } from './emit/sink.ts';
export { emitVerilog, verilogTargets } from './lower/verilog.ts';
export type { VerilogOptions, VerilogOutput, VerilogTarget } from './lower/verilog.ts';
export { findFirtool } from './lower/toolchain.ts';
export type { PortInfo, PortTree } from './ports.ts';
export { portsOf, portTreeOf } from './ports.ts';

// Value types share their names with the type constructors, as in Chisel:
// `UInt(8)` makes a type, `x: UInt` annotates a value.
import type { Bool as BoolV, Clock as ClockV, Reset as ResetV, SInt as SIntV, UInt as UIntV } from './values.ts';
/** A UInt value (the type of `x` in `x: UInt`); `UInt(8)` makes the hardware type. */
export type UInt = UIntV;
/** An SInt value; `SInt(8)` makes the hardware type. */
export type SInt = SIntV;
/** A Bool value; `Bool()` makes the hardware type. */
export type Bool = BoolV;
/** A Clock value; `Clock()` makes the hardware type. */
export type Clock = ClockV;
/** A reset value; `Reset()` / `AsyncReset()` make the hardware types. */
export type Reset = ResetV;
