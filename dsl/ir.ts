// The private in-memory circuit. Every operation becomes a named `node`, so each
// statement carries its own source locator; operands are only references to
// declarations or literals. Names are final only at emission, where they are
// made unique per module (a value may be renamed after it was created).
// Nodes, nearly all of a large design, live in columns (NodeTable) rather than
// one object each: that keeps the garbage collector out of million-op designs.
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

/** Primitive operations, by code; 0 marks a declaration that is not a node. */
export const enum Op {
  add = 1, sub, mul, div, rem, lt, leq, gt, geq, eq, neq, and, or, xor, not, andr, orr, xorr,
  neg, cvt, cat, bits, head, tail, pad, shl, shr, dshl, dshr, asUInt, asSInt, asClock, mux, asAsyncReset,
}

/** FIRRTL spelling of each op code. */
export const opNames: readonly string[] = [
  '', 'add', 'sub', 'mul', 'div', 'rem', 'lt', 'leq', 'gt', 'geq', 'eq', 'neq', 'and', 'or', 'xor', 'not', 'andr', 'orr', 'xorr',
  'neg', 'cvt', 'cat', 'bits', 'head', 'tail', 'pad', 'shl', 'shr', 'dshl', 'dshr', 'asUInt', 'asSInt', 'asClock', 'mux', 'asAsyncReset',
];

export function opCode(op: string): Op {
  const i = opNames.indexOf(op);
  if (i < 1) throw new Error(`hashi internal: no primitive op '${op}'`);
  return i as Op;
}

/** Result types of nodes, by number; each carries its number as `tid` (not enumerable), so a node stores it without a lookup. */
const nodeTypes: HwType[] = [];
type Numbered = HwType & { readonly tid?: number };
type Cached = { slotIn?: NodeTable; slot?: number };

/** Give `t` a number in the node type list; returns the number. */
export function numberType(t: HwType): number {
  const tid = nodeTypes.length;
  Object.defineProperty(t, 'tid', { value: tid });
  nodeTypes.push(t);
  return tid;
}

/**
 * The nodes of one module, one row per declaration id (rows of other
 * declarations stay empty, op 0). Operands are stored as numbers: a node of
 * this module by its id, anything else as -(1 + its index in `others`).
 */
export class NodeTable {
  private cap = 0;
  op = new Uint8Array(0);
  nargs = new Uint8Array(0);
  nconsts = new Uint8Array(0);
  source = new Uint8Array(0);
  /** Three operand slots per row. */
  args = new Int32Array(0);
  /** Two constant slots per row (numbers as the user gave them). */
  consts = new Float64Array(0);
  type = new Int32Array(0);
  loc = new Int32Array(0);
  name = new Int32Array(0);
  readonly others: Operand[] = [];
  private readonly otherIndex = new Map<Operand, number>();
  /** Index 0 is "no locator". */
  readonly locs: (SourceLoc | undefined)[] = [undefined];
  private readonly locIndex = new Map<SourceLoc, number>();
  private lastLoc: SourceLoc | undefined;
  private lastLocAt = 0;
  readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  private grow(id: number): void {
    const cap = Math.max(1024, this.cap * 2, id + 1);
    const more = <A extends Uint8Array | Int32Array | Float64Array>(a: A, per = 1): A => {
      const b = new (a.constructor as new (n: number) => A)(cap * per);
      b.set(a);
      return b;
    };
    this.op = more(this.op);
    this.nargs = more(this.nargs);
    this.nconsts = more(this.nconsts);
    this.source = more(this.source);
    this.args = more(this.args, 3);
    this.consts = more(this.consts, 2);
    this.type = more(this.type);
    this.loc = more(this.loc);
    this.name = more(this.name);
    this.cap = cap;
  }

  /** Store node `id`; operands already encoded (see `encode`). */
  add(id: number, op: Op, type: HwType, nargs: number, a0: number, a1: number, a2: number, nconsts: number, c0: number, c1: number, name: number, loc: SourceLoc | undefined): void {
    if (id >= this.cap) this.grow(id);
    this.op[id] = op;
    this.nargs[id] = nargs;
    this.nconsts[id] = nconsts;
    const a = id * 3;
    this.args[a] = a0;
    this.args[a + 1] = a1;
    this.args[a + 2] = a2;
    this.consts[id * 2] = c0;
    this.consts[id * 2 + 1] = c1;
    this.type[id] = (type as Numbered).tid ?? numberType(type);
    this.loc[id] = this.locId(loc);
    this.name[id] = name;
  }

  encode(o: Operand): number {
    if (o.kind === 'node' && o.table === this) return o.id;
    // The last table to store an operand remembers its index on it (sub-references such as `x[3]` are shared objects).
    const c = o as unknown as Cached;
    if (c.slotIn === this) return c.slot!;
    let i = this.otherIndex.get(o);
    if (i === undefined) {
      i = this.others.length;
      this.others.push(o);
      this.otherIndex.set(o, i);
    }
    if (o.kind !== 'node') {
      c.slotIn = this;
      c.slot = -1 - i;
    }
    return -1 - i;
  }

  decode(v: number): Operand {
    return v >= 0 ? new Node(this, v, nodeTypes[this.type[v]!]!) : this.others[-1 - v]!;
  }

  nameId(name: string): number {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, i);
    }
    return i;
  }

  private locId(loc: SourceLoc | undefined): number {
    if (loc === this.lastLoc) return this.lastLocAt; // consecutive nodes mostly share one statement
    if (loc === undefined) return 0;
    let i = this.locIndex.get(loc);
    if (i === undefined) {
      i = this.locs.length;
      this.locs.push(loc);
      this.locIndex.set(loc, i);
    }
    this.lastLoc = loc;
    this.lastLocAt = i;
    return i;
  }
}

/** A reference to one node of a NodeTable; made on demand, never stored in the IR. */
export class Node implements Named {
  readonly kind = 'node' as const;
  constructor(
    readonly table: NodeTable,
    readonly id: number,
    readonly type: HwType,
  ) {}
  get name(): string {
    return this.table.names[this.table.name[this.id]!]!;
  }
  set name(v: string) {
    this.table.name[this.id] = this.table.nameId(v);
  }
  get nameSource(): NameSource {
    return this.table.source[this.id] as NameSource;
  }
  set nameSource(v: NameSource) {
    this.table.source[this.id] = v;
  }
  get op(): string {
    return opNames[this.table.op[this.id]!]!;
  }
  get args(): Operand[] {
    const t = this.table;
    const out: Operand[] = [];
    for (let k = 0; k < t.nargs[this.id]!; k++) out.push(t.decode(t.args[this.id * 3 + k]!));
    return out;
  }
  get consts(): number[] {
    const t = this.table;
    const out: number[] = [];
    for (let k = 0; k < t.nconsts[this.id]!; k++) out.push(t.consts[this.id * 2 + k]!);
    return out;
  }
  get loc(): SourceLoc | undefined {
    return this.table.locs[this.table.loc[this.id]!];
  }
}

/** Consecutive nodes of one block: declaration ids start to end - 1. */
export interface NodeRun {
  readonly kind: 'nodes';
  readonly start: number;
  end: number;
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

export type Stmt = Wire | Reg | NodeRun | Instance | Connect | When | Mem | Invalidate | Verification;

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
  readonly nodes: NodeTable;
  readonly loc: SourceLoc | undefined;
  /** Number of declarations so far; the next one gets this as its id. */
  declCount: number;
  /** Its first two ports are the implicit clock and reset, wired by instances. */
  readonly implicitClockReset: boolean;
  readonly ext?: ExtInfo;
}

/** An elaborated circuit (from `elaborate`): its modules, the top last. */
export interface CircuitIR {
  readonly top: ModuleIR;
  /** Every module once, children before parents. */
  readonly modules: readonly ModuleIR[];
}
