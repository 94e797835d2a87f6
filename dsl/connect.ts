// Checks for `sink.connect(src)`: the sink must be drivable from here (its
// flow), the types must have the same shape, and no leaf may lose bits.
import type { ModuleBuilder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Operand, SinkRef } from './ir.ts';
import type { SourceLoc } from './locator.ts';
import type { HwType } from './types.ts';
import { describeType } from './types.ts';

/** How a reference reads in messages: `io.out.bits`, `literal 5`. */
export function describeOperand(o: Operand): string {
  switch (o.kind) {
    case 'lit':
      return `literal ${o.value}`;
    case 'instport':
      return `${o.inst.name}.${o.port.name}`;
    case 'subfield':
      return `${describeOperand(o.of)}.${o.field}`;
    case 'subindex':
      return `${describeOperand(o.of)}[${o.index}]`;
    case 'subaccess':
      return `${describeOperand(o.of)}[${describeOperand(o.index)}]`;
    case 'memfield':
      return `${o.mem.name}.${o.port.name}.${o.field}`;
    default:
      return o.name;
  }
}

type Flow = 'source' | 'sink' | 'duplex';

function flip(f: Flow): Flow {
  return f === 'source' ? 'sink' : f === 'sink' ? 'source' : f;
}

/** Whether this module may read (source), drive (sink) or both (duplex). */
function flowOf(o: Operand, b: ModuleBuilder): Flow {
  switch (o.kind) {
    case 'port':
      return o.dir === 'input' ? 'source' : 'sink';
    case 'instport':
      return o.port.dir === 'input' ? 'sink' : 'source';
    case 'wire':
    case 'reg':
      return 'duplex';
    case 'subfield': {
      const f = flowOf(o.of, b);
      return o.flipped ? flip(f) : f;
    }
    case 'subindex':
    case 'subaccess':
      return flowOf(o.of, b);
    case 'memfield':
      return o.field === 'data' && o.port.role === 'reader' ? 'source' : 'sink';
    default:
      return 'source';
  }
}

function rootOf(o: Operand): Operand {
  return o.kind === 'subfield' || o.kind === 'subindex' || o.kind === 'subaccess' ? rootOf(o.of) : o;
}

export function checkConnect(b: ModuleBuilder, sink: Operand, src: Operand, loc: SourceLoc | undefined): asserts sink is SinkRef {
  const root = rootOf(sink);
  if (root.kind === 'lit' || root.kind === 'node') {
    throw new HashiError(
      `cannot connect to '${describeOperand(sink)}': it is the result of an expression, not a wire, register or port`,
      'declare a Wire(...) or Reg(...) and connect to that instead',
      loc,
      'connect-to-expression',
    );
  }
  if (flowOf(sink, b) === 'source') {
    const inside = root.kind === 'port';
    throw new HashiError(
      inside
        ? `cannot drive input '${describeOperand(sink)}' from inside its own module`
        : `cannot drive output '${describeOperand(sink)}' of an instance from outside it`,
      inside
        ? 'inputs are driven by the parent; read it here, or declare the port (or field) as an output'
        : 'outputs are driven by the instance itself; read the value here instead',
      loc,
      inside ? 'drive-input' : 'drive-instance-output',
    );
  }
  checkShapes(sink.type, src.type, sink, src, '', loc);
}

/** Walk both types together; `reversed` is true under an odd number of flips. */
function checkShapes(st: HwType, ss: HwType, sink: Operand, src: Operand, path: string, loc: SourceLoc | undefined, reversed = false): void {
  const what = (): string => `'${describeOperand(sink)}${path}' and '${describeOperand(src)}${path}'`;
  if (st.kind === 'bundle' || ss.kind === 'bundle') {
    if (st.kind !== 'bundle' || ss.kind !== 'bundle') return mismatch(st, ss, sink, src, path, loc);
    const a = Object.keys(st.fields);
    const c = Object.keys(ss.fields);
    const missing = a.filter((k) => !(k in ss.fields));
    const extra = c.filter((k) => !(k in st.fields));
    if (missing.length || extra.length) {
      throw new HashiError(
        `bundle shapes differ in ${what()}: ${missing.length ? `fields only in the sink: ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `fields only in the source: ${extra.join(', ')}` : ''}`,
        'connect bundles of the same type, or connect the fields you mean one by one',
        loc,
        'bundle-shape-mismatch',
      );
    }
    for (const k of a) {
      const ft = st.fields[k]!;
      const fs = ss.fields[k]!;
      if ((ft.kind === 'flip') !== (fs.kind === 'flip')) {
        throw new HashiError(`field '${k}' is flipped on one side only in ${what()}`, 'connect bundles of the same type', loc, 'bundle-shape-mismatch');
      }
      const inner = (f: typeof ft): HwType => (f.kind === 'flip' ? f.type : f);
      checkShapes(inner(ft), inner(fs), sink, src, `${path}.${k}`, loc, ft.kind === 'flip' ? !reversed : reversed);
    }
    return;
  }
  if (st.kind === 'vec' || ss.kind === 'vec') {
    if (st.kind !== 'vec' || ss.kind !== 'vec') return mismatch(st, ss, sink, src, path, loc);
    if (st.length !== ss.length) {
      throw new HashiError(`vec lengths differ in ${what()}: ${st.length} versus ${ss.length}`, 'connect vecs of the same length, or connect elements one by one', loc, 'vec-length-mismatch');
    }
    return checkShapes(st.element, ss.element, sink, src, `${path}[*]`, loc, reversed);
  }
  const kindsMatch = st.kind === ss.kind || (st.kind === 'reset' && ss.kind === 'uint' && ss.width === 1);
  if (!kindsMatch) return mismatch(st, ss, sink, src, path, loc);
  const [to, from] = reversed ? [ss, st] : [st, ss];
  if (from.width > to.width) {
    const [toRef, fromRef] = reversed ? [src, sink] : [sink, src];
    if (fromRef.kind === 'lit') {
      // .trunc on a literal would silently keep its low bits: say what fits instead.
      const range = to.kind === 'sint' ? `${-(1n << BigInt(to.width - 1))} to ${(1n << BigInt(to.width - 1)) - 1n}` : `0 to ${(1n << BigInt(to.width)) - 1n}`;
      throw new HashiError(
        `the literal ${fromRef.value} does not fit in ${describeType(to)} '${describeOperand(toRef)}${path}' (range ${range})`,
        `use a value in that range, or widen the sink to ${from.width} bits`,
        loc,
        'literal-overflow',
      );
    }
    throw new HashiError(
      `connecting ${describeType(from)} '${describeOperand(fromRef)}${path}' to ${describeType(to)} '${describeOperand(toRef)}${path}' would silently drop ${from.width - to.width} high bit(s)`,
      `truncate explicitly, e.g. .trunc(${to.width}) to keep the low ${to.width} bits, or widen the sink`,
      loc,
      'implicit-truncation',
    );
  }
}

function mismatch(st: HwType, ss: HwType, sink: Operand, src: Operand, path: string, loc: SourceLoc | undefined): never {
  const hint =
    st.kind === 'sint'
      ? 'convert with .asSInt() (reinterpret) or .toSInt() (zero-extend)'
      : st.kind === 'uint'
        ? 'convert with .asUInt()'
        : `drive it with a ${describeType(st)} value`;
  throw new HashiError(
    `cannot connect ${describeType(ss)} '${describeOperand(src)}${path}' to ${describeType(st)} '${describeOperand(sink)}${path}': the types differ`,
    hint,
    loc,
    'type-mismatch',
  );
}
