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

/**
 * Final names by declaration id. Chosen names (ports, explicit and automatic
 * ones) are claimed first, in order; temporaries then take `<base>` or
 * `<base>_<n>`, skipping chosen names. Temporary bases all end in `_T` (or
 * `_W`, `_R`, `_M`), never in a digit, so two temporaries cannot collide and
 * need no bookkeeping. A name is kept as a base (an index into `bases`) plus a
 * number and spelled out only when written: a million of them stay cheap.
 */
export class ModuleNames {
  /** Per declaration id: its base, an index into `bases`. */
  readonly baseOf: Int32Array;
  /** Per declaration id: the number after `_` (0: none). */
  readonly suffix: Int32Array;
  readonly bases: string[] = [];
  private readonly baseIndex = new Map<string, number>();

  constructor(m: ModuleIR) {
    this.baseOf = new Int32Array(m.declCount);
    this.suffix = new Int32Array(m.declCount);
    const t = m.nodes;
    const taken = new Set<string>();
    const nextSuffix = new Map<string, number>();
    const claim = (id: number, raw: string): void => {
      const want = sanitize(raw);
      let name = want;
      if (taken.has(name)) {
        let i = nextSuffix.get(want) ?? 1;
        while (taken.has((name = `${want}_${i}`))) i++;
        nextSuffix.set(want, i + 1);
      }
      taken.add(name);
      this.baseOf[id] = this.baseId(name);
    };
    // Per entry of the node name table: 1 when it is a temporary's base.
    const tempShaped = new Uint8Array(t.names.length);
    for (let i = 0; i < t.names.length; i++) tempShaped[i] = tempShape.test(t.names[i]!) ? 1 : 0;
    const nodeBase: (number | undefined)[] = [];
    const isTemp = (d: Named): boolean => d.nameSource === NameSource.Temp && tempShape.test(d.name);
    const walk = (stmts: readonly Stmt[], claiming: boolean): void => {
      for (const s of stmts) {
        if (s.kind === 'nodes') {
          for (let id = s.start; id < s.end; id++) {
            const n = t.name[id]!;
            const temp = t.source[id] === NameSource.Temp && tempShaped[n] === 1;
            if (temp === claiming) continue;
            if (claiming) claim(id, t.names[n]!);
            else this.temp(id, nodeBase[n] ?? (nodeBase[n] = this.baseId(t.names[n]!)));
          }
        } else if (s.kind === 'when') {
          walk(s.then, claiming);
          if (s.otherwise) walk(s.otherwise, claiming);
        } else if (s.kind === 'wire' || s.kind === 'reg' || s.kind === 'inst' || s.kind === 'mem') {
          if (isTemp(s) === claiming) continue;
          if (claiming) claim(s.id, s.name);
          else this.temp(s.id, this.baseId(s.name));
        }
      }
    };
    for (const p of m.ports) claim(p.id, p.name);
    walk(m.body, true);
    // A temporary checks for clashes only if some chosen name is its base or its base plus `_<n>`.
    for (const name of taken) {
      this.risky.add(name);
      const k = /^(.*)_[0-9]+$/.exec(name);
      if (k) this.risky.add(k[1]!);
    }
    this.taken = taken;
    walk(m.body, false);
  }

  private taken: ReadonlySet<string> = new Set();
  private readonly risky = new Set<string>();
  private readonly tempCount: number[] = [];

  private baseId(name: string): number {
    let i = this.baseIndex.get(name);
    if (i === undefined) {
      i = this.bases.length;
      this.bases.push(name);
      this.baseIndex.set(name, i);
    }
    return i;
  }

  /** Per base: 1 when some chosen name could clash with its temporaries, 2 when none can. */
  private readonly clashes: number[] = [];

  private temp(id: number, base: number): void {
    let n = this.tempCount[base] ?? 0;
    const text = this.bases[base]!;
    const c = (this.clashes[base] ??= this.risky.has(text) ? 1 : 2);
    if (c === 1) while (this.taken.has(n === 0 ? text : `${text}_${n}`)) n++;
    this.tempCount[base] = n + 1;
    this.baseOf[id] = base;
    this.suffix[id] = n;
  }

  of(d: Named): string {
    const n = this.suffix[d.id]!;
    const base = this.bases[this.baseOf[d.id]!]!;
    return n === 0 ? base : `${base}_${n}`;
  }
}

const tempShape = /^_[A-Za-z0-9_$]*[TWRM]$/;
