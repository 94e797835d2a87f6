// Memories: Mem (combinational read, clocked write) and SyncReadMem (read data
// one cycle after the address). Each read() or write() call adds a port; a
// write inside a `when` writes only when that condition holds.
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Mem, MemField, MemPort } from './ir.ts';
import { NameSource } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { GroundType, HwType } from './types.ts';
import type { ValueOf } from './value-of.ts';
import { Reg } from './state.ts';
import { Bool, Data, UInt, wrap } from './values.ts';
import { when } from './when.ts';
import type { Scalar } from './values.ts';

/** What a SyncReadMem read returns when the same address is written in that cycle. */
export type ReadUnderWrite = 'undefined' | 'old' | 'new';

function addressWidth(depth: number): number {
  return Math.max(1, Math.ceil(Math.log2(depth)));
}

/** A memory (`Mem` or `SyncReadMem`): read and write ports made with `.read(addr)` and `.write(addr, data)`. */
export class MemValue<T extends GroundType> {
  /**
   * @param registerReads read-under-write 'old': the memory reads combinationally
   * and a register samples the data at the same edge that writes, so a read of
   * the address being written returns the old word. (firtool's own sync-read
   * lowering registers the address, which returns the new word.)
   */
  constructor(
    private readonly mem: Mem,
    private readonly registerReads = false,
  ) {}

  /** Number of words. */
  get depth(): number {
    return this.mem.depth;
  }

  /** Give the memory an explicit name in the FIRRTL and SystemVerilog. */
  named(name: string): this {
    this.mem.name = name;
    this.mem.nameSource = NameSource.Explicit;
    return this;
  }

  /** Automatic naming (from the const it is bound to): never overrides another name. */
  suggestAutoName(name: string): void {
    if (this.mem.nameSource < NameSource.Auto) {
      this.mem.name = name;
      this.mem.nameSource = NameSource.Auto;
    }
  }

  private port(role: MemPort['role']): MemPort {
    const b = builder(`memory ${role === 'reader' ? 'read' : 'write'}`);
    if (!b.clock) {
      throw new HashiError('a memory port needs a clock, but this module has no implicit clock', 'use defineModule or wrap it in withClock(...)', captureLocator(), 'no-clock');
    }
    const port: MemPort = { name: `${role === 'reader' ? 'r' : 'w'}${this.mem.ports.filter((p) => p.role === role).length}`, role, clock: b.clock };
    this.mem.ports.push(port);
    return port;
  }

  /** A constant address past the end would wrap or read garbage in the SystemVerilog. */
  private checkAddress(what: string, addr: unknown): void {
    if (typeof addr !== 'number' && typeof addr !== 'bigint') return;
    const depth = this.mem.depth;
    if (typeof addr === 'number' && !Number.isInteger(addr)) {
      throw new HashiError(`memory ${what} at address ${addr}: an address must be an integer`, `use an address from 0 to ${depth - 1}`, captureLocator(), 'mem-address-out-of-range');
    }
    if (addr < 0 || addr >= depth) {
      throw new HashiError(`memory ${what} at address ${addr} is past the end of a memory of depth ${depth}`, `use an address from 0 to ${depth - 1}, or make the memory deeper`, captureLocator(), 'mem-address-out-of-range');
    }
  }

  private field(port: MemPort, field: MemField['field']): Data {
    const type: HwType =
      field === 'addr' ? { kind: 'uint', width: addressWidth(this.mem.depth) } : field === 'data' ? this.mem.type : { kind: 'uint', width: 1 };
    const f: MemField = { kind: 'memfield', mem: this.mem, port, field, type };
    return wrap(f);
  }

  /** Read at `addr`: this cycle for Mem, next cycle for SyncReadMem (only when `enable`). */
  read(addr: UInt | number, enable: Bool | boolean = true): ValueOf<T> {
    this.checkAddress('read', addr);
    const port = this.port('reader');
    this.field(port, 'addr').connect(addr);
    this.field(port, 'en').connect(this.registerReads ? true : enable);
    const data = this.field(port, 'data');
    if (!this.registerReads) return data as ValueOf<T>;
    const held = Reg(this.mem.type);
    if (enable instanceof Bool) when(enable, () => held.connect(data));
    else if (enable) held.connect(data);
    return held as unknown as ValueOf<T>;
  }

  /** Write `data` at `addr` on the next clock edge (under the enclosing `when`s). */
  write(addr: UInt | number, data: Data | Scalar): void {
    this.checkAddress('write', addr);
    const port = this.port('writer');
    this.field(port, 'addr').connect(addr);
    this.field(port, 'en').connect(true);
    this.field(port, 'data').connect(data);
    this.field(port, 'mask').connect(true);
  }
}

function makeMem<T extends GroundType>(depth: number, type: T, readLatency: 0 | 1, readUnderWrite: ReadUnderWrite): MemValue<T> {
  const b = builder(readLatency ? 'SyncReadMem' : 'Mem');
  const loc = captureLocator();
  if (!Number.isInteger(depth) || depth < 1) {
    throw new HashiError(`a memory depth must be a positive integer, got ${depth}`, 'give the number of entries', loc, 'bad-width');
  }
  if (type.kind !== 'uint' && type.kind !== 'sint') {
    throw new HashiError(`memories hold UInt or SInt words, not ${type.kind}`, 'store the bits (.asUInt()) and convert on read', loc, 'bad-mem-type');
  }
  const registerReads = readLatency === 1 && readUnderWrite === 'old';
  const mem: Mem = {
    kind: 'mem',
    id: b.newId(),
    name: b.tempName().replace(/T$/, 'M'),
    nameSource: NameSource.Temp,
    type,
    depth,
    readLatency: registerReads ? 0 : readLatency,
    readUnderWrite,
    ports: [],
    loc,
  };
  b.push(mem);
  return new MemValue<T>(mem, registerReads);
}

/** A memory with combinational (same-cycle) reads and clocked writes. */
export function Mem<T extends GroundType>(depth: number, type: T): MemValue<T> {
  return makeMem(depth, type, 0, 'undefined');
}

/** A memory whose read data appears one cycle after the address (like an SRAM). */
export function SyncReadMem<T extends GroundType>(depth: number, type: T, opts: { readUnderWrite?: ReadUnderWrite } = {}): MemValue<T> {
  return makeMem(depth, type, 1, opts.readUnderWrite ?? 'undefined');
}

