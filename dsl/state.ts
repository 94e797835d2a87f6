// Wires and registers. Registers use the module's implicit clock and reset.
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Reg as RegIR, Wire as WireIR } from './ir.ts';
import { NameSource } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { HwType } from './types.ts';
import { passive } from './types.ts';
import type { ValueOf } from './io.ts';
import { Data, literalValue, makeLiteral, wrap } from './values.ts';
import type { Scalar } from './values.ts';

/** A combinational wire of the given type; drive it with `.connect` on every path (or DontCare). */
export function Wire<T extends HwType>(type: T): ValueOf<T> {
  const b = builder('Wire');
  const w: WireIR = { kind: 'wire', id: b.newId(), name: b.tempName().replace(/T$/, 'W'), nameSource: NameSource.Temp, type, loc: captureLocator() };
  b.push(w);
  return wrap(w) as ValueOf<T>;
}

function implicitClock(what: string) {
  const b = builder(what);
  if (!b.clock) {
    throw new HashiError(`${what} needs a clock, but this module has no implicit clock`, 'use defineModule (with implicit clock and reset) or wrap it in withClock(...)', captureLocator(), 'no-clock');
  }
  return b;
}

/** A register without reset: its value is undefined until first written. */
export function Reg<T extends HwType>(type: T): ValueOf<T> {
  const b = implicitClock('Reg');
  const r: RegIR = { kind: 'reg', id: b.newId(), name: b.tempName().replace(/T$/, 'R'), nameSource: NameSource.Temp, type: passive(type), clock: b.clock!, reset: undefined, loc: captureLocator() };
  b.push(r);
  return wrap(r) as ValueOf<T>;
}

/** A register that takes `init` while the module's reset is asserted. */
export function RegInit<T extends HwType>(type: T, init: Data | Scalar): ValueOf<T> {
  const b = implicitClock('RegInit');
  if (!b.reset) {
    throw new HashiError('RegInit needs a reset, but this module has no implicit reset', 'use Reg(...) or wrap it in withReset(...)', captureLocator(), 'no-reset');
  }
  if (type.kind !== 'uint' && type.kind !== 'sint' && !(init instanceof Data)) {
    throw new HashiError(`RegInit of ${type.kind} needs a hardware init value`, 'pass a value of the same type', captureLocator(), 'bad-literal');
  }
  const initRef =
    init instanceof Data ? init.ref : makeLiteral(literalValue(init), type as Extract<HwType, { kind: 'uint' | 'sint' }>);
  const r: RegIR = {
    kind: 'reg',
    id: b.newId(),
    name: b.tempName().replace(/T$/, 'R'),
    nameSource: NameSource.Temp,
    type: passive(type),
    clock: b.clock!,
    reset: { signal: b.reset, init: initRef },
    loc: captureLocator(),
  };
  b.push(r);
  return wrap(r) as ValueOf<T>;
}

/** A register that follows `next` one cycle late (and takes `init` while reset is asserted, if given). */
export function RegNext<V extends Data>(next: V, init?: Data | Scalar): V {
  const r = init === undefined ? Reg(next.type) : RegInit(next.type, init);
  r.connect(next);
  return r as unknown as V;
}
