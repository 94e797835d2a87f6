// Every value a module uses must be its own and still in scope: a signal of
// another module, or one created inside a `when` block and used after the block
// ended, would otherwise reach firtool and fail there without the user's line.
import { describeOperand } from '../connect.ts';
import { HashiError } from '../errors.ts';
import type { ModuleIR, Operand, Stmt } from '../ir.ts';
import { formatLoc } from '../locator.ts';
import type { SourceLoc } from '../locator.ts';

const UNSEEN = 0;
const VISIBLE = 1;
const CLOSED = 2;

export function checkScopes(m: ModuleIR): void {
  if (m.ext) return;
  const t = m.nodes;
  const state = new Uint8Array(m.declCount);
  const owner: unknown[] = new Array<unknown>(m.declCount);
  for (const p of m.ports) {
    state[p.id] = VISIBLE;
    owner[p.id] = p;
  }

  const foreign = (o: Operand, loc: SourceLoc | undefined): never => {
    throw new HashiError(
      `'${describeOperand(o)}' belongs to another module; a module can only use its own signals and the ports of its instances`,
      'bring the value in through a port: add an Input to this module and connect it from the parent (child.x.connect(value))',
      loc,
      'foreign-signal',
    );
  };
  const scoped = (id: number, o: Operand, declLoc: SourceLoc | undefined, loc: SourceLoc | undefined): void => {
    if (state[id] === VISIBLE) return;
    const at = declLoc ? ` (created at ${formatLoc(declLoc)})` : '';
    throw new HashiError(
      state[id] === CLOSED
        ? `'${describeOperand(o)}'${at} was created inside a when block and is used after the block ended`
        : `'${describeOperand(o)}'${at} is used where it is not declared`,
      'declare it before the when (e.g. const x = Wire(UInt(8)) outside, x.connect(...) inside), or use it only inside the block',
      loc,
      'out-of-scope',
    );
  };
  const declared = (id: number, o: object, use: Operand, declLoc: SourceLoc | undefined, loc: SourceLoc | undefined): void => {
    if (owner[id] !== o) foreign(use, loc);
    scoped(id, use, declLoc, loc);
  };
  const check = (o: Operand, loc: SourceLoc | undefined): void => {
    switch (o.kind) {
      case 'lit':
        return;
      case 'node':
        if (o.table !== t) foreign(o, loc);
        return scoped(o.id, o, o.loc, loc);
      case 'port':
      case 'wire':
      case 'reg':
        return declared(o.id, o, o, o.loc, loc);
      case 'instport':
        return declared(o.inst.id, o.inst, o, o.inst.loc, loc);
      case 'memfield':
        return declared(o.mem.id, o.mem, o, o.mem.loc, loc);
      case 'subfield':
      case 'subindex':
        return check(o.of, loc);
      case 'subaccess':
        check(o.of, loc);
        return check(o.index, loc);
    }
  };

  const walk = (stmts: readonly Stmt[]): number[] => {
    const opened: number[] = [];
    const open = (id: number, o: object): void => {
      state[id] = VISIBLE;
      owner[id] = o;
      opened.push(id);
    };
    for (const s of stmts) {
      switch (s.kind) {
        case 'nodes':
          for (let id = s.start; id < s.end; id++) {
            const loc = t.locs[t.loc[id]!];
            for (let k = 0; k < t.nargs[id]!; k++) {
              const v = t.args[id * 3 + k]!;
              if (v >= 0) {
                if (state[v] !== VISIBLE) scoped(v, t.decode(v), t.locs[t.loc[v]!], loc);
              }
              else check(t.others[-1 - v]!, loc);
            }
            state[id] = VISIBLE;
            opened.push(id);
          }
          break;
        case 'wire':
          open(s.id, s);
          break;
        case 'reg':
          check(s.clock, s.loc);
          if (s.reset) {
            check(s.reset.signal, s.loc);
            check(s.reset.init, s.loc);
          }
          open(s.id, s);
          break;
        case 'inst':
          open(s.id, s);
          break;
        case 'mem':
          open(s.id, s);
          break;
        case 'connect':
          check(s.sink, s.loc);
          check(s.src, s.loc);
          break;
        case 'invalidate':
          check(s.sink, s.loc);
          break;
        case 'when': {
          check(s.cond, s.loc);
          for (const id of walk(s.then)) state[id] = CLOSED;
          if (s.otherwise) for (const id of walk(s.otherwise)) state[id] = CLOSED;
          break;
        }
        default:
          check(s.clock, s.loc);
          check(s.enable, s.loc);
          if (s.predicate) check(s.predicate, s.loc);
          for (const a of s.args) check(a, s.loc);
      }
    }
    return opened;
  };
  walk(m.body);
}
