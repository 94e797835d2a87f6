// Final, unique names for one module: ports first, then declarations in order.
// A clash gets `_1`, `_2`, ... in elaboration order, so output is deterministic.
import type { Named, Stmt } from '../ir.ts';
import type { ModuleIR } from '../ir.ts';

// Words the FIRRTL parser treats as statement or type keywords.
const reserved = new Set([
  'circuit', 'module', 'extmodule', 'public', 'input', 'output', 'wire', 'reg', 'regreset', 'node', 'inst', 'of',
  'connect', 'invalidate', 'when', 'else', 'skip', 'mem', 'printf', 'assert', 'assume', 'cover', 'stop', 'define',
  'UInt', 'SInt', 'Clock', 'Reset', 'AsyncReset', 'Analog', 'Probe', 'RWProbe', 'flip', 'mux', 'read', 'layer',
]);

function sanitize(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_$]/g, '_');
  const t = /^[A-Za-z_]/.test(s) ? s : `_${s}`;
  return reserved.has(t) ? `${t}_` : t;
}

export function assignNames(m: ModuleIR): Map<Named, string> {
  const taken = new Set<string>();
  // Next suffix to try per base name: keeps thousands of `_T`s linear.
  const nextSuffix = new Map<string, number>();
  const names = new Map<Named, string>();
  const claim = (d: Named): void => {
    const want = sanitize(d.name);
    let name = want;
    if (taken.has(name)) {
      let i = nextSuffix.get(want) ?? 1;
      while (taken.has((name = `${want}_${i}`))) i++;
      nextSuffix.set(want, i + 1);
    }
    taken.add(name);
    names.set(d, name);
  };
  for (const p of m.ports) claim(p);
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.kind === 'when') {
        walk(s.then);
        if (s.otherwise) walk(s.otherwise);
      } else if (s.kind === 'wire' || s.kind === 'reg' || s.kind === 'node' || s.kind === 'inst' || s.kind === 'mem') {
        claim(s);
      }
    }
  };
  walk(m.body);
  return names;
}
