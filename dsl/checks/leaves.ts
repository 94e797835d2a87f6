// Ground-level leaves of references, shared by the structural checks: a
// reference like `io.out` stands for leaves `io.out.valid`, `io.out.bits`, ...
// Keys start with the declaration's per-module id.
import type { Operand } from '../ir.ts';
import type { HwType } from '../types.ts';

export interface Leaf {
  /** Stable key: declaration id plus path, e.g. `12.out.bits`. */
  readonly key: string;
  /** Human path, e.g. `io.out.bits` as the user named things. */
  readonly label: string;
  /** Under an odd number of flips relative to the referenced value. */
  readonly flipped: boolean;
}

export type Root = Exclude<Operand, { kind: 'subfield' | 'subindex' | 'subaccess' | 'lit' }>;

export class LeafIds {
  private rootKey(r: Root): { key: string; label: string } {
    switch (r.kind) {
      case 'instport':
        return { key: `${r.inst.id}.${r.port.name}`, label: `${r.inst.name}.${r.port.name}` };
      case 'memfield':
        return { key: `${r.mem.id}.${r.port.name}.${r.field}`, label: `${r.mem.name}.${r.port.name}.${r.field}` };
      default:
        return { key: String(r.id), label: r.name };
    }
  }

  /**
   * The leaves a reference covers; `dynamic` is true when a hardware vec index
   * makes it stand for any one of them (so none is surely driven).
   */
  leavesOf(o: Operand): { root: Root | undefined; leaves: Leaf[]; dynamic: boolean } {
    const { root, heads, dynamic } = this.heads(o);
    // Flips count from the referenced value, which is what a connect to it means.
    return { root, leaves: heads.flatMap((h) => expand(h.key, h.label, o.type, false)), dynamic };
  }

  /** Where the referenced subtree starts (several places under a dynamic index). */
  private heads(o: Operand): { root: Root | undefined; heads: { key: string; label: string }[]; dynamic: boolean } {
    switch (o.kind) {
      case 'lit':
        return { root: undefined, heads: [], dynamic: false };
      case 'subfield': {
        const p = this.heads(o.of);
        return { ...p, heads: p.heads.map((h) => ({ key: `${h.key}.${o.field}`, label: `${h.label}.${o.field}` })) };
      }
      case 'subindex': {
        const p = this.heads(o.of);
        return { ...p, heads: p.heads.map((h) => ({ key: `${h.key}[${o.index}]`, label: `${h.label}[${o.index}]` })) };
      }
      case 'subaccess': {
        const p = this.heads(o.of);
        const n = o.of.type.kind === 'vec' ? o.of.type.length : 0;
        const heads = p.heads.flatMap((h) => Array.from({ length: n }, (_, i) => ({ key: `${h.key}[${i}]`, label: `${h.label}[${i}]` })));
        return { root: p.root, heads, dynamic: true };
      }
      default: {
        const { key, label } = this.rootKey(o);
        return { root: o, heads: [{ key, label }], dynamic: false };
      }
    }
  }
}

function expand(key: string, label: string, t: HwType, flipped: boolean): Leaf[] {
  if (t.kind === 'bundle') {
    return Object.entries(t.fields).flatMap(([f, s]) => expand(`${key}.${f}`, `${label}.${f}`, s.kind === 'flip' ? s.type : s, s.kind === 'flip' ? !flipped : flipped));
  }
  if (t.kind === 'vec') return Array.from({ length: t.length }, (_, i) => expand(`${key}[${i}]`, `${label}[${i}]`, t.element, flipped)).flat();
  return [{ key, label, flipped }];
}
