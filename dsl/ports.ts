// A module's ports as flat signals, the way the SystemVerilog shows them after
// firtool lowers aggregates (`out.bits` -> `out_bits`, `v[2]` -> `v_2`): what a
// simulator harness or another tool needs, without the IR.
import type { ModuleIR } from './ir.ts';
import type { HwType } from './types.ts';
import { isMixedVec } from './types.ts';

/** One flat port of the SystemVerilog: name, direction, width, kind. */
export interface PortInfo {
  readonly name: string;
  readonly direction: 'input' | 'output';
  readonly width: number;
  readonly signed: boolean;
  readonly kind: 'clock' | 'reset' | 'asyncReset' | 'data';
}

/** The flat ports of an elaborated module (names, directions, widths) as the SystemVerilog has them. */
export function portsOf(m: ModuleIR): PortInfo[] {
  const out: PortInfo[] = [];
  const visit = (name: string, t: HwType, dir: 'input' | 'output'): void => {
    if (t.kind === 'bundle') {
      for (const [field, f] of Object.entries(t.fields)) {
        const flipped = f.kind === 'flip';
        visit(`${name}_${field}`, flipped ? f.type : f, flipped ? (dir === 'input' ? 'output' : 'input') : dir);
      }
    } else if (t.kind === 'vec') {
      for (let i = 0; i < t.length; i++) visit(`${name}_${i}`, t.element, dir);
    } else {
      const kind = t.kind === 'clock' ? 'clock' : t.kind === 'reset' ? 'reset' : t.kind === 'asyncreset' ? 'asyncReset' : 'data';
      out.push({ name, direction: dir, width: t.width, signed: t.kind === 'sint', kind });
    }
  };
  for (const p of m.ports) visit(p.name, p.type, p.dir);
  return out;
}

/** The flat SystemVerilog names one port of type `t` becomes. */
export function flatNames(name: string, t: HwType): string[] {
  if (t.kind === 'bundle') return Object.entries(t.fields).flatMap(([f, s]) => flatNames(`${name}_${f}`, s.kind === 'flip' ? s.type : s));
  if (t.kind === 'vec') return Array.from({ length: t.length }, (_, i) => flatNames(`${name}_${i}`, t.element)).flat();
  return [name];
}

/** A port's shape with the flat SystemVerilog name at each leaf: bundles as objects, vecs and mixed vecs as arrays. */
export type PortTree = string | PortTree[] | { readonly [field: string]: PortTree };

function treeOf(name: string, t: HwType): PortTree {
  if (isMixedVec(t)) return t.elements.map((e, i) => treeOf(`${name}_${i}`, e));
  if (t.kind === 'bundle') return Object.fromEntries(Object.entries(t.fields).map(([f, s]) => [f, treeOf(`${name}_${f}`, s.kind === 'flip' ? s.type : s)]));
  if (t.kind === 'vec') return Array.from({ length: t.length }, (_, i) => treeOf(`${name}_${i}`, t.element));
  return name;
}

/** Every port of the top module as a tree of flat names, keyed by port name. */
export function portTreeOf(m: ModuleIR): Record<string, PortTree> {
  return Object.fromEntries(m.ports.map((p) => [p.name, treeOf(p.name, p.type)]));
}
