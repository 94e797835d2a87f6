// The private in-memory circuit. Every operation becomes a named `node`, so each
// statement carries its own source locator; operands are only references to
// declarations or literals. Names are final only at emission, where they are
// made unique per module (a value may be renamed after it was created).
import type { SourceLoc } from './locator.ts';
import type { HwType, SIntType, UIntType } from './types.ts';

/** How a name was chosen; a stronger source wins over a weaker one. */
export const enum NameSource {
  Temp = 0,
  Auto = 1,
  Explicit = 2,
}

export interface Named {
  /** Dense per-module index (0, 1, 2, ...): passes use arrays instead of maps. */
  readonly id: number;
  name: string;
  nameSource: NameSource;
}

export interface Literal {
  readonly kind: 'lit';
  readonly type: UIntType | SIntType;
  readonly value: bigint;
}

export interface Port extends Named {
  readonly kind: 'port';
  readonly dir: 'input' | 'output';
  readonly type: HwType;
  readonly loc: SourceLoc | undefined;
}

export interface Wire extends Named {
  readonly kind: 'wire';
  readonly type: HwType;
  readonly loc: SourceLoc | undefined;
}

export interface Reg extends Named {
  readonly kind: 'reg';
  readonly type: HwType;
  readonly clock: Operand;
  readonly reset: { readonly signal: Operand; readonly init: Operand } | undefined;
  readonly loc: SourceLoc | undefined;
}

export interface Node extends Named {
  readonly kind: 'node';
  readonly type: HwType;
  readonly op: string;
  readonly args: readonly Operand[];
  readonly consts: readonly number[];
  readonly loc: SourceLoc | undefined;
}

export interface Instance extends Named {
  readonly kind: 'inst';
  readonly module: ModuleIR;
  readonly loc: SourceLoc | undefined;
}

/** A port of an instance, seen from the parent module. Not a statement. */
export interface InstPort {
  readonly kind: 'instport';
  readonly inst: Instance;
  readonly port: Port;
  readonly type: HwType;
}

/** A field of a bundle value: `a.b`. */
export interface SubField {
  readonly kind: 'subfield';
  readonly of: Operand;
  readonly field: string;
  /** The field is flipped relative to its bundle. */
  readonly flipped: boolean;
  readonly type: HwType;
}

/** A constant element of a vec: `a[3]`. */
export interface SubIndex {
  readonly kind: 'subindex';
  readonly of: Operand;
  readonly index: number;
  readonly type: HwType;
}

/** A dynamically chosen element of a vec: `a[i]`. */
export interface SubAccess {
  readonly kind: 'subaccess';
  readonly of: Operand;
  readonly index: Operand;
  readonly type: HwType;
}

/** One port of a memory, added as the design reads or writes it. */
export interface MemPort {
  readonly name: string;
  readonly role: 'reader' | 'writer';
  readonly clock: Operand;
}

export interface Mem extends Named {
  readonly kind: 'mem';
  readonly type: HwType;
  readonly depth: number;
  readonly readLatency: 0 | 1;
  readonly readUnderWrite: 'undefined' | 'old' | 'new';
  readonly ports: MemPort[];
  readonly loc: SourceLoc | undefined;
}

/** A field of a memory port: `m.r0.data`. */
export interface MemField {
  readonly kind: 'memfield';
  readonly mem: Mem;
  readonly port: MemPort;
  readonly field: 'addr' | 'en' | 'clk' | 'data' | 'mask';
  readonly type: HwType;
}

/** Sets a sink to "don't care" (FIRRTL `invalidate`). */
export interface Invalidate {
  readonly kind: 'invalidate';
  readonly sink: Operand;
  readonly loc: SourceLoc | undefined;
}

/** printf / assert / assume / cover / stop. */
export interface Verification {
  readonly kind: 'printf' | 'assert' | 'assume' | 'cover' | 'stop';
  readonly clock: Operand;
  readonly enable: Operand;
  readonly predicate: Operand | undefined;
  readonly message: string;
  readonly args: readonly Operand[];
  readonly exitCode: number;
  readonly loc: SourceLoc | undefined;
}

export type Decl = Port | Wire | Reg | Node;
export type Operand = Decl | Literal | InstPort | SubField | SubIndex | SubAccess | MemField;
/** Something a connect may drive (its flow is checked separately). */
export type SinkRef = Port | Wire | Reg | InstPort | SubField | SubIndex | SubAccess | MemField;

export interface Connect {
  readonly kind: 'connect';
  readonly sink: SinkRef;
  readonly src: Operand;
  readonly loc: SourceLoc | undefined;
}

export interface When {
  readonly kind: 'when';
  readonly cond: Operand;
  readonly then: Stmt[];
  otherwise: Stmt[] | undefined;
  readonly loc: SourceLoc | undefined;
}

export type Stmt = Wire | Reg | Node | Instance | Connect | When | Mem | Invalidate | Verification;

/** An external (black-box) module: ports only, Verilog supplied by the user. */
export interface ExtInfo {
  readonly defname: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly source: { readonly inline: string; readonly fileName: string } | { readonly path: string } | undefined;
}

export interface ModuleIR {
  name: string;
  readonly ports: Port[];
  readonly body: Stmt[];
  readonly loc: SourceLoc | undefined;
  /** Number of declarations so far; the next one gets this as its id. */
  declCount: number;
  /** Its first two ports are the implicit clock and reset, wired by instances. */
  readonly implicitClockReset: boolean;
  readonly ext?: ExtInfo;
}

export interface CircuitIR {
  readonly top: ModuleIR;
  /** Every module once, children before parents. */
  readonly modules: readonly ModuleIR[];
}
