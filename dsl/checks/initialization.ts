// Every wire, output port and instance input must be driven on every path
// through the `when` blocks (last connect wins; `invalidate` counts as driven).
import { HashiError } from '../errors.ts';
import type { ModuleIR, Stmt } from '../ir.ts';
import type { SourceLoc } from '../locator.ts';
import type { Leaf } from './leaves.ts';
import { LeafIds } from './leaves.ts';

interface Required {
  readonly leaf: Leaf;
  readonly what: string;
  readonly loc: SourceLoc | undefined;
}

export function checkInitialization(m: ModuleIR): void {
  if (m.ext) return;
  const ids = new LeafIds();
  const required: Required[] = [];
  for (const p of m.ports) {
    for (const leaf of ids.leavesOf(p).leaves) {
      const drivenHere = (p.dir === 'output') !== leaf.flipped;
      if (drivenHere) required.push({ leaf, what: 'output', loc: p.loc });
    }
  }
  const ever = new Set<string>();
  const mark = (set: Set<string>, key: string): void => {
    set.add(key);
    ever.add(key);
  };

  const walk = (stmts: readonly Stmt[], init: Set<string>): Set<string> => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'wire':
          for (const leaf of ids.leavesOf(s).leaves) required.push({ leaf, what: 'wire', loc: s.loc });
          break;
        case 'inst':
          for (const p of s.module.ports) {
            for (const leaf of ids.leavesOf({ kind: 'instport', inst: s, port: p, type: p.type }).leaves) {
              if ((p.dir === 'input') !== leaf.flipped) required.push({ leaf, what: 'instance input', loc: s.loc });
            }
          }
          break;
        case 'connect': {
          const sink = ids.leavesOf(s.sink);
          const src = ids.leavesOf(s.src);
          sink.leaves.forEach((leaf, i) => {
            if (!leaf.flipped) {
              if (!sink.dynamic) mark(init, leaf.key);
              else ever.add(leaf.key);
            } else if (!src.dynamic && src.leaves[i]) {
              mark(init, src.leaves[i]!.key);
            }
          });
          break;
        }
        case 'invalidate':
          for (const leaf of ids.leavesOf(s.sink).leaves) mark(init, leaf.key);
          break;
        case 'when': {
          const a = walk(s.then, new Set(init));
          const b = s.otherwise ? walk(s.otherwise, new Set(init)) : init;
          for (const k of a) if (b.has(k)) init.add(k);
          break;
        }
        default:
          break;
      }
    }
    return init;
  };
  const driven = walk(m.body, new Set());

  const missing = required.find((r) => !driven.has(r.leaf.key));
  if (!missing) return;
  const partly = ever.has(missing.leaf.key);
  throw new HashiError(
    partly
      ? `${missing.what} '${missing.leaf.label}' in module '${m.name}' is not driven on every path: some when/otherwise branch leaves it unconnected`
      : `${missing.what} '${missing.leaf.label}' in module '${m.name}' is never driven`,
    partly
      ? 'connect a default before the when block (last connect wins), add an otherwise branch, or use .invalidate() for a deliberate don\'t-care'
      : 'connect it, or use .invalidate() for a deliberate don\'t-care',
    missing.loc,
    'not-initialized',
  );
}
