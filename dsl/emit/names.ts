// Final, unique names for one module: ports first, then declarations in order.
// A clash gets `_1`, `_2`, ... in elaboration order, so output is deterministic.
import type { Named, Stmt } from '../ir.ts';
import { NameSource } from '../ir.ts';
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

/** Final names indexed by declaration id. */
/**
 * Final names by declaration id. Chosen names (ports, explicit and automatic
 * ones) are claimed first, in order; temporaries then take `<base>` or
 * `<base>_<n>`, skipping chosen names. Temporary bases all end in `_T` (or
 * `_W`, `_R`, `_M`), never in a digit, so two temporaries cannot collide and
 * need no bookkeeping. A temporary's name is kept as its base plus a number
 * and spelled out only when written: a million of them stay cheap.
 */
export class ModuleNames {
  private readonly base: string[];
  private readonly suffix: Int32Array;

  constructor(m: ModuleIR) {
    this.base = new Array<string>(m.declCount);
    this.suffix = new Int32Array(m.declCount);
    const taken = new Set<string>();
    const nextSuffix = new Map<string, number>();
    const temps: Named[] = [];
    const claim = (d: Named): void => {
      const want = sanitize(d.name);
      let name = want;
      if (taken.has(name)) {
        let i = nextSuffix.get(want) ?? 1;
        while (taken.has((name = `${want}_${i}`))) i++;
        nextSuffix.set(want, i + 1);
      }
      taken.add(name);
      this.base[d.id] = name;
    };
    for (const p of m.ports) claim(p);
    const walk = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.kind === 'when') {
          walk(s.then);
          if (s.otherwise) walk(s.otherwise);
        } else if (s.kind === 'wire' || s.kind === 'reg' || s.kind === 'node' || s.kind === 'inst' || s.kind === 'mem') {
          if (s.nameSource === NameSource.Temp && /^_[A-Za-z0-9_$]*[TWRM]$/.test(s.name)) temps.push(s);
          else claim(s);
        }
      }
    };
    walk(m.body);
    const tempCount = new Map<string, number>();
    for (const d of temps) {
      const base = d.name;
      let n = tempCount.get(base) ?? 0;
      while (taken.has(n === 0 ? base : `${base}_${n}`)) n++;
      tempCount.set(base, n + 1);
      this.base[d.id] = base;
      this.suffix[d.id] = n;
    }
  }

  of(d: Named): string {
    const n = this.suffix[d.id]!;
    return n === 0 ? this.base[d.id]! : `${this.base[d.id]}_${n}`;
  }
}
