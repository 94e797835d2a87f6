// Streaming FIRRTL 6.0.0 writer over the private IR.
import type { CircuitIR, Mem, ModuleIR, Named, Operand, Stmt } from '../ir.ts';
import { opNames } from '../ir.ts';
import { firrtlLoc } from '../locator.ts';
import { firrtlType } from '../types.ts';
import { ByteOut } from './bytes.ts';
import { ModuleNames } from './names.ts';
import type { TextSink } from './sink.ts';

/** The FIRRTL spec version hashi writes. */
export const FIRRTL_VERSION = '6.0.0';

/** What `emitFirrtl` wrote (statement count). */
export interface EmitStats {
  /** FIRRTL statements written (declarations, connects, whens, ...). */
  statements: number;
}

/** Options of `emitFirrtl` (verification statements on or off). */
export interface EmitOptions {
  /** Write printf/assert/assume/cover/stop (default true; synthesis flows such as Yosys leave them out). */
  readonly verification?: boolean;
}

/** Write an elaborated circuit as FIRRTL text into `sink`. */
export function emitFirrtl(circuit: CircuitIR, sink: TextSink, opts: EmitOptions = {}): EmitStats {
  const verification = opts.verification ?? true;
  const stats: EmitStats = { statements: 0 };
  const annos = annotations(circuit);
  const out = new ByteOut(sink);
  out.write(`FIRRTL version ${FIRRTL_VERSION}\ncircuit ${circuit.top.name} :${annos.length ? `%[${JSON.stringify(annos)}]` : ''}\n`);
  for (const m of circuit.modules) {
    if (m.ext) emitExtModule(m, out);
    else stats.statements += emitModule(m, m === circuit.top, out, verification);
  }
  out.flush();
  return stats;
}

/** Black-box Verilog travels to firtool as annotations; firtool writes the files. */
function annotations(circuit: CircuitIR): object[] {
  const annos: object[] = [];
  const seen = new Set<string>();
  for (const m of circuit.modules) {
    const src = m.ext?.source;
    if (!src) continue;
    const key = 'inline' in src ? src.fileName : src.path;
    if (seen.has(key)) continue; // one file per Verilog module, however many parameterizations
    seen.add(key);
    const target = `~${circuit.top.name}|${m.name}`;
    annos.push('inline' in src ? { class: 'firrtl.transforms.BlackBoxInlineAnno', target, name: src.fileName, text: src.inline } : { class: 'firrtl.transforms.BlackBoxPathAnno', target, path: src.path });
  }
  return annos;
}

function emitExtModule(m: ModuleIR, out: ByteOut): void {
  const ext = m.ext!;
  out.write(`  extmodule ${m.name} :${firrtlLoc(m.loc)}\n`);
  for (const p of m.ports) out.write(`    ${p.dir} ${p.name} : ${firrtlType(p.type)}${firrtlLoc(p.loc)}\n`);
  out.write(`    defname = ${ext.defname}\n`);
  for (const [k, v] of Object.entries(ext.params)) {
    out.write(`    parameter ${k} = ${typeof v === 'string' ? quote(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v}\n`);
  }
  out.write('\n');
}

/** Writes one module; returns its number of statements. */
function emitModule(m: ModuleIR, isTop: boolean, out: ByteOut, verification: boolean): number {
  let statements = 0;
  const names = new ModuleNames(m);
  const name = (d: Named): string => names.of(d);
  // Sub-references (`x[3]`, `io.out.bits`) are shared objects: spell each once.
  const spelled = new Map<Operand, string>();
  const ref = (o: Operand): string => {
    if (o.kind === 'node') return name(o); // the common case first
    if (o.kind === 'subindex' || o.kind === 'subfield') {
      let text = spelled.get(o);
      if (text === undefined) spelled.set(o, (text = o.kind === 'subindex' ? `${ref(o.of)}[${o.index}]` : `${ref(o.of)}.${o.field}`));
      return text;
    }
    switch (o.kind) {
      case 'lit':
        return `${o.type.kind === 'sint' ? 'SInt' : 'UInt'}<${o.type.width}>(${o.value})`;
      case 'instport':
        return `${name(o.inst)}.${o.port.name}`;
      case 'subaccess':
        return `${ref(o.of)}[${ref(o.index)}]`;
      case 'memfield':
        return `${name(o.mem)}.${o.port.name}.${o.field}`;
      default:
        return name(o);
    }
  };

  out.write(`  ${isTop ? 'public ' : ''}module ${m.name} :${firrtlLoc(m.loc)}\n`);
  for (const p of m.ports) out.write(`    ${p.dir} ${name(p)} : ${firrtlType(p.type)}${firrtlLoc(p.loc)}\n`);
  out.write('\n');

  const nodes = nodeWriter(m, names, ref, out);
  const block = (stmts: readonly Stmt[], indent: string): void => {
    if (stmts.length === 0) out.write(`${indent}skip\n`);
    for (const s of stmts) {
      statements += s.kind === 'nodes' ? s.end - s.start : 1;
      switch (s.kind) {
        case 'nodes':
          nodes(s.start, s.end, indent);
          break;
        case 'wire':
          out.write(`${indent}wire ${name(s)} : ${firrtlType(s.type)}${firrtlLoc(s.loc)}\n`);
          break;
        case 'reg':
          out.write(
            s.reset
              ? `${indent}regreset ${name(s)} : ${firrtlType(s.type)}, ${ref(s.clock)}, ${ref(s.reset.signal)}, ${ref(s.reset.init)}${firrtlLoc(s.loc)}\n`
              : `${indent}reg ${name(s)} : ${firrtlType(s.type)}, ${ref(s.clock)}${firrtlLoc(s.loc)}\n`,
          );
          break;
        case 'inst':
          out.write(`${indent}inst ${name(s)} of ${s.module.name}${firrtlLoc(s.loc)}\n`);
          break;
        case 'connect':
          out.write(`${indent}connect ${ref(s.sink)}, ${ref(s.src)}${firrtlLoc(s.loc)}\n`);
          break;
        case 'mem':
          emitMem(s, name(s), ref, indent, out);
          break;
        case 'invalidate':
          out.write(`${indent}invalidate ${ref(s.sink)}${firrtlLoc(s.loc)}\n`);
          break;
        case 'printf':
          if (!verification) break;
          out.write(`${indent}printf(${ref(s.clock)}, ${ref(s.enable)}, ${quote(s.message)}${s.args.map((a) => `, ${ref(a)}`).join('')})${firrtlLoc(s.loc)}\n`);
          break;
        case 'assert':
        case 'assume':
        case 'cover':
          if (!verification) break;
          out.write(`${indent}${s.kind}(${ref(s.clock)}, ${ref(s.predicate!)}, ${ref(s.enable)}, ${quote(s.message)}${s.args.map((a) => `, ${ref(a)}`).join('')})${firrtlLoc(s.loc)}\n`);
          break;
        case 'stop':
          if (!verification) break;
          out.write(`${indent}stop(${ref(s.clock)}, ${ref(s.enable)}, ${s.exitCode})${firrtlLoc(s.loc)}\n`);
          break;
        case 'when':
          out.write(`${indent}when ${ref(s.cond)} :${firrtlLoc(s.loc)}\n`);
          block(s.then, `${indent}  `);
          if (s.otherwise) {
            out.write(`${indent}else :\n`);
            block(s.otherwise, `${indent}  `);
          }
          break;
      }
    }
  };
  block(m.body, '    ');
  out.write('\n');
  return statements;
}

/** ` = op(` per op code. */
const opOpen = opNames.map((o) => ` = ${o}(`);

/**
 * Writes runs of nodes straight from the node table. Lines are joined into
 * chunks of about 64 KB before they go out: V8 builds and encodes those
 * faster than many small writes (or byte-by-byte copying in JS).
 */
function nodeWriter(m: ModuleIR, names: ModuleNames, ref: (o: Operand) => string, out: ByteOut): (start: number, end: number, indent: string) => void {
  const t = m.nodes;
  const { bases, baseOf, suffix } = names;
  const others = t.others.map(ref);
  // Each line ends `)<locator>\n`, one string per locator: fewer pieces for V8 to join.
  const tails = t.locs.map((l) => `)${firrtlLoc(l)}\n`);
  // Names are ASCII (see names.ts); when the rest is too, chunks skip UTF-8 encoding.
  const ascii = [...others, ...tails].every((x) => /^[\x00-\x7f]*$/.test(x));
  // Most operands are recent nodes: their names, just made, are kept in a small ring.
  const ringIds = new Int32Array(4096).fill(-1);
  const ringNames: string[] = new Array<string>(4096).fill('');
  const name = (id: number): string => {
    const slot = id & 4095;
    if (ringIds[slot] === id) return ringNames[slot]!;
    const k = suffix[id]!;
    const text = k === 0 ? bases[baseOf[id]!]! : `${bases[baseOf[id]!]!}_${k}`;
    ringIds[slot] = id;
    ringNames[slot] = text;
    return text;
  };
  const flush = (text: string): void => (ascii ? out.writeAscii(text) : out.write(text));
  return (start, end, indent) => {
    const { op, nargs, nconsts, args, consts, loc } = t;
    const head = `${indent}node `;
    let chunk = '';
    for (let id = start; id < end; id++) {
      let line = head + name(id) + opOpen[op[id]!]!;
      const na = nargs[id]!;
      for (let k = 0; k < na; k++) {
        const a = args[id * 3 + k]!;
        line += (k > 0 ? ', ' : '') + (a >= 0 ? name(a) : others[-1 - a]!);
      }
      const nc = nconsts[id]!;
      for (let k = 0; k < nc; k++) line += `, ${consts[id * 2 + k]!}`;
      chunk += line + tails[loc[id]!]!;
      if (chunk.length > 65536) {
        flush(chunk);
        chunk = '';
      }
    }
    flush(chunk);
  };
}

/** A FIRRTL string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** The `mem` declaration, then defaults for every port (disabled, address don't-care). */
function emitMem(m: Mem, name: string, ref: (o: Operand) => string, indent: string, out: ByteOut): void {
  if (m.ports.length === 0) return; // never accessed: no hardware
  const i2 = `${indent}  `;
  out.write(`${indent}mem ${name} :${firrtlLoc(m.loc)}\n`);
  out.write(`${i2}data-type => ${firrtlType(m.type)}\n${i2}depth => ${m.depth}\n`);
  out.write(`${i2}read-latency => ${m.readLatency}\n${i2}write-latency => 1\n`);
  for (const p of m.ports) out.write(`${i2}${p.role} => ${p.name}\n`);
  out.write(`${i2}read-under-write => ${m.readUnderWrite}\n`);
  for (const p of m.ports) {
    const at = `${name}.${p.name}`;
    out.write(`${indent}connect ${at}.clk, ${ref(p.clock)}\n${indent}connect ${at}.en, UInt<1>(0)\n${indent}invalidate ${at}.addr\n`);
    if (p.role === 'writer') out.write(`${indent}invalidate ${at}.data\n${indent}invalidate ${at}.mask\n`);
  }
}
