// printf, assert, assume, cover and stop. Like Chisel, they are quiet while the
// implicit reset is asserted, and follow the enclosing `when` conditions.
import { builder } from './builder.ts';
import type { ModuleBuilder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Operand, Verification } from './ir.ts';
import { captureLocator } from './locator.ts';
import { Bool, Data, internalNode } from './values.ts';

function clockAndEnable(b: ModuleBuilder, what: string): { clock: Operand; enable: Operand } {
  if (!b.clock) throw new HashiError(`${what} needs a clock, but this module has no implicit clock`, 'use defineModule or wrap it in withClock(...)', captureLocator(), 'no-clock');
  const enable: Operand = b.reset ? internalNode('not', [b.reset]) : { kind: 'lit', type: { kind: 'uint', width: 1 }, value: 1n };
  return { clock: b.clock, enable };
}

function push(kind: Verification['kind'], predicate: Bool | undefined, message: string, args: readonly Data[], exitCode = 0): void {
  const b = builder(kind);
  const loc = captureLocator();
  if (predicate !== undefined && !(predicate instanceof Data && predicate.type.kind === 'uint' && predicate.width === 1)) {
    const got = predicate instanceof Data ? `a ${predicate.width}-bit ${predicate.type.kind === 'sint' ? 'SInt' : predicate.type.kind === 'uint' ? 'UInt' : predicate.type.kind}` : `a JavaScript ${typeof predicate}`;
    throw new HashiError(`${kind} needs a Bool condition, got ${got}`, 'compare to get a Bool, e.g. x.neq(0), x.orR() or x.lt(10)', loc, 'bad-condition');
  }
  const { clock, enable } = clockAndEnable(b, kind);
  const placeholders = (message.match(/%[bcdx]/g) ?? []).length;
  const notHw = args.findIndex((a) => !(a instanceof Data));
  if (notHw >= 0) throw new HashiError(`${kind} argument ${notHw + 1} is not a hardware value`, 'pass hardware values for the placeholders; put constants in the message text', loc, 'bad-format');
  if (placeholders !== args.length) {
    throw new HashiError(`${kind} message has ${placeholders} placeholder(s) (%d %x %b %c) but ${args.length} argument(s)`, 'give one value per placeholder', loc, 'bad-format');
  }
  b.push({ kind, clock, enable, predicate: predicate?.ref, message, args: args.map((a) => a.ref), exitCode, loc });
}

/** Print on every clock edge (formats: %d %x %b %c). */
export function printf(format: string, ...args: Data[]): void {
  push('printf', undefined, format, args);
}

/** Fail the simulation with `message` on an edge where `cond` is false. */
export function assert(cond: Bool, message = 'assertion failed', ...args: Data[]): void {
  push('assert', cond, message, args);
}

/** A property formal tools may take as given; simulators check it like assert. */
export function assume(cond: Bool, message = 'assumption failed', ...args: Data[]): void {
  push('assume', cond, message, args);
}

/** A condition whose occurrence coverage tools count. */
export function cover(cond: Bool, message = 'cover'): void {
  push('cover', cond, message, []);
}

/** End the simulation (exit code 0: success, otherwise failure) on the next edge. */
export function stop(exitCode = 0): void {
  push('stop', undefined, '', [], exitCode);
}
