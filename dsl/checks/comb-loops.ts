// Combinational loops, found before firtool and reported as the loop of named
// signals. Registers break paths; instances contribute the input-to-output
// paths of their module; comb-read memories connect address to data.
import { HashiError } from '../errors.ts';
import type { Decl, ModuleIR, Operand, Stmt } from '../ir.ts';
import type { HwType } from '../types.ts';
import type { SourceLoc } from '../locator.ts';
import { LeafIds } from './leaves.ts';

/** Per module: for each input leaf name, the output leaf names it reaches combinationally. */
export type CombSummary = Map<string, Set<string>>;

/**
 * Vertices are leaves, numbered as they are first touched: only the few
 * declarations that can lie on a loop get one, however many the module has.
 * A ground declaration is found by its declaration id; aggregate leaves
 * through their string keys. Edges are kept in flat arrays.
 */
class Graph {
  private readonly byKey = new Map<string, number>();
  /** Vertex of each declaration id, -1 for none yet. */
  private readonly ofDecl: Int32Array;
  /** A string, or the declaration whose (final) name is the label. */
  readonly labels: (string | { readonly name: string })[] = [];
  readonly locs: (SourceLoc | undefined)[] = [];
  /** Search order: declarations by id, then keyed leaves in order of creation. */
  readonly rank: number[] = [];
  private from: number[] = [];
  private to: number[] = [];
  private csr: { start: Int32Array; targets: Int32Array } | undefined;

  constructor(private readonly declCount: number) {
    this.ofDecl = new Int32Array(declCount).fill(-1);
  }

  private add(label: string | { readonly name: string }, rank: number): number {
    this.labels.push(label);
    this.locs.push(undefined);
    this.rank.push(rank);
    return this.labels.length - 1;
  }

  /** The vertex of declaration `id`, if it has one (else -1). */
  declVertex(id: number): number {
    return this.ofDecl[id]!;
  }

  objectVertex(o: { readonly id: number; readonly name: string }): number {
    let v = this.ofDecl[o.id]!;
    if (v < 0) this.ofDecl[o.id] = v = this.add(o, o.id);
    return v;
  }

  node(key: string, label: string): number {
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.add(label, this.declCount + this.byKey.size);
      this.byKey.set(key, i);
    }
    return i;
  }

  label(i: number): string {
    const l = this.labels[i]!;
    return typeof l === 'string' ? l : l.name;
  }

  edge(from: number, to: number, loc: SourceLoc | undefined): void {
    this.from.push(from);
    this.to.push(to);
    this.locs[to] ??= loc;
  }

  /** Successors of every vertex, in compressed form (built once, after all edges). */
  successors(): { start: Int32Array; targets: Int32Array } {
    if (this.csr) return this.csr;
    const n = this.labels.length;
    const start = new Int32Array(n + 1);
    for (const f of this.from) start[f + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, n);
    const targets = new Int32Array(this.to.length);
    for (let e = 0; e < this.from.length; e++) targets[fill[this.from[e]!]!++] = this.to[e]!;
    this.from = [];
    this.to = [];
    return (this.csr = { start, targets });
  }
}

/** Index operands hidden inside dynamic vec accesses along a reference. */
function indexOperands(o: Operand, out: Operand[] = []): Operand[] {
  if (o.kind === 'subaccess') {
    out.push(o.index);
    indexOperands(o.of, out);
  } else if (o.kind === 'subfield' || o.kind === 'subindex') {
    indexOperands(o.of, out);
  }
  return out;
}

export function checkCombLoops(m: ModuleIR, summaries: ReadonlyMap<ModuleIR, CombSummary>): void {
  if (m.ext) return;
  const { graph } = buildGraph(m, summaries);
  const cycle = findCycle(graph);
  if (!cycle) return;
  const names = cycle.map((i) => graph.label(i));
  const loc = cycle.map((i) => graph.locs[i]).find((l) => l !== undefined);
  throw new HashiError(
    `combinational loop in module '${m.name}': ${[...names, names[0]].join(' -> ')}`,
    'break the loop with a register (RegNext), or remove one of the connections in it',
    loc,
    'comb-loop',
  );
}

/**
 * Which operands can lie on a combinational path that matters. An operation
 * only reads values made before it, so operations alone never form a cycle:
 * every cycle runs through something driven by a connect (a wire, an output, an
 * instance or memory port). Operations that read none of those, directly or
 * through other operations, can be left out of the graph: in an adder tree
 * over inputs, that is nearly everything. For summaries, inputs count too.
 */
function hotness(m: ModuleIR, inputsCount: boolean): { hot: (o: Operand) => boolean; tainted: Uint8Array; anyTainted: boolean } {
  const tainted = new Uint8Array(m.declCount);
  const t = m.nodes;
  // Operands outside the node table, by their index there: 0 unknown, 1 hot, 2 not.
  const otherHot = new Uint8Array(t.others.length);
  const hot = (o: Operand): boolean => {
    switch (o.kind) {
      case 'lit':
      case 'reg':
        return false;
      case 'node':
        return tainted[o.id] === 1;
      case 'port':
        return o.dir === 'output' || inputsCount || hasFlip(o.type); // flipped fields of inputs are driven here
      case 'subfield':
      case 'subindex':
        return hot(o.of);
      case 'subaccess':
        return hot(o.of) || hot(o.index);
      default:
        return true; // wires, instance ports, memory ports
    }
  };
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.kind === 'nodes') {
        const { nargs, args } = t;
        for (let id = s.start; id < s.end; id++) {
          for (let k = 0, n = nargs[id]!; k < n; k++) {
            const a = args[id * 3 + k]!;
            if (a >= 0 ? tainted[a] === 1 : hotOther(-1 - a)) {
              tainted[id] = 1;
              anyTainted = true;
              break;
            }
          }
        }
      } else if (s.kind === 'when') {
        walk(s.then);
        if (s.otherwise) walk(s.otherwise);
      }
    }
  };
  const hotOther = (i: number): boolean => {
    if (otherHot[i] === 0) otherHot[i] = hot(t.others[i]!) ? 1 : 2;
    return otherHot[i] === 1;
  };
  let anyTainted = false;
  walk(m.body);
  return { hot, tainted, anyTainted };
}

const flipCache = new WeakMap<HwType, boolean>();

function hasFlip(t: HwType): boolean {
  if (t.kind !== 'bundle' && t.kind !== 'vec') return false;
  let v = flipCache.get(t);
  if (v === undefined) {
    v = t.kind === 'vec' ? hasFlip(t.element) : Object.values(t.fields).some((f) => f.kind === 'flip' || hasFlip(f));
    flipCache.set(t, v);
  }
  return v;
}

function buildGraph(m: ModuleIR, summaries: ReadonlyMap<ModuleIR, CombSummary>, inputsCount = false): { graph: Graph; ids: LeafIds } {
  const ids = new LeafIds();
  const graph = new Graph(m.declCount);
  const { hot, tainted, anyTainted } = hotness(m, inputsCount);
  const t = m.nodes;
  const isGroundDecl = (o: Operand): o is Decl => (o.kind === 'port' || o.kind === 'wire' || o.kind === 'reg' || o.kind === 'node') && o.type.kind !== 'bundle' && o.type.kind !== 'vec';
  // Sub-references (`x[3]`, `io.out.bits`) are shared objects, read many times.
  const memo = new Map<Operand, number[]>();
  const leavesOf = (o: Operand): number[] => {
    if (o.kind === 'lit') return [];
    if (isGroundDecl(o)) return [graph.objectVertex(o)];
    let v = memo.get(o);
    if (!v) memo.set(o, (v = ids.leavesOf(o).leaves.map((l) => graph.node(l.key, l.label))));
    return v;
  };
  const depsOf = (o: Operand): number[] => [...leavesOf(o), ...indexOperands(o).flatMap(depsOf)];
  const isReg = (o: Operand): boolean => {
    const r = ids.leavesOf(o).root;
    return r?.kind === 'reg';
  };

  const walk = (stmts: readonly Stmt[], conds: number[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'nodes':
          // Only nodes that read something driven by a connect can be on a loop.
          if (!anyTainted) break;
          for (let id = s.start; id < s.end; id++) {
            if (tainted[id] !== 1) continue;
            const n = t.decode(id) as Decl;
            const to = graph.objectVertex(n);
            const loc = t.locs[t.loc[id]!];
            for (let k = 0; k < t.nargs[id]!; k++) {
              const v = t.args[id * 3 + k]!;
              if (v >= 0) {
                const from = graph.declVertex(v);
                graph.edge(from >= 0 ? from : graph.objectVertex(t.decode(v) as Decl), to, loc);
                continue;
              }
              const a = t.others[-1 - v]!;
              if (a.kind === 'lit') continue;
              if (isGroundDecl(a)) graph.edge(graph.objectVertex(a), to, loc);
              else for (const from of depsOf(a)) graph.edge(from, to, loc);
            }
          }
          break;
        case 'connect': {
          const srcHot = hot(s.src);
          if (isGroundDecl(s.sink) && (isGroundDecl(s.src) || s.src.kind === 'lit')) {
            if (s.sink.kind === 'reg') break; // a register's input is next-state, not a path
            const t = leavesOf(s.sink)[0]!;
            if (srcHot) for (const from of leavesOf(s.src)) graph.edge(from, t, s.loc);
            for (const c of conds) graph.edge(c, t, s.loc);
            break;
          }
          // Leaves pair up in order (the shapes were checked on connect).
          const flips = ids.leavesOf(s.sink).leaves.map((l) => l.flipped);
          const sink = leavesOf(s.sink);
          const src = leavesOf(s.src);
          const extra = [...indexOperands(s.sink).filter(hot).flatMap(depsOf), ...indexOperands(s.src).filter(hot).flatMap(depsOf), ...conds];
          sink.forEach((leaf, i) => {
            const other = src[i];
            if (other === undefined) return;
            const flipped = flips[i] ?? false;
            if (isReg(flipped ? s.src : s.sink)) return; // a register's input is next-state, not a path
            const [from, to] = flipped ? [leaf, other] : [other, leaf];
            if (flipped || srcHot) graph.edge(from, to, s.loc);
            for (const d of extra) graph.edge(d, to, s.loc);
          });
          break;
        }
        case 'when': {
          const c = hot(s.cond) ? [...conds, ...depsOf(s.cond)] : conds;
          walk(s.then, c);
          if (s.otherwise) walk(s.otherwise, c);
          break;
        }
        case 'inst': {
          const summary = summaries.get(s.module);
          if (!summary) break;
          for (const [input, outputs] of summary) {
            const from = graph.node(`${s.id}.${input}`, `${s.name}.${input}`);
            for (const out of outputs) graph.edge(from, graph.node(`${s.id}.${out}`, `${s.name}.${out}`), s.loc);
          }
          break;
        }
        case 'mem':
          for (const p of s.ports) {
            if (p.role !== 'reader' || s.readLatency !== 0) continue;
            const at = `${s.id}.${p.name}`;
            const data = graph.node(`${at}.data`, `${s.name}.${p.name}.data`);
            graph.edge(graph.node(`${at}.addr`, `${s.name}.${p.name}.addr`), data, s.loc);
            graph.edge(graph.node(`${at}.en`, `${s.name}.${p.name}.en`), data, s.loc);
          }
          break;
        default:
          break;
      }
    }
  };
  walk(m.body, []);
  return { graph, ids };
}

/** Iterative DFS; returns the vertices of one cycle in order, if any. */
function findCycle(g: Graph): number[] | undefined {
  const n = g.labels.length;
  const { start, targets } = g.successors();
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const cursor: number[] = [];
  const roots = Array.from({ length: n }, (_, i) => i).sort((a, b) => g.rank[a]! - g.rank[b]!);
  for (const root of roots) {
    if (state[root]) continue;
    stack.push(root);
    cursor.push(start[root]!);
    state[root] = 1;
    while (stack.length) {
      const top = stack.length - 1;
      const v = stack[top]!;
      const i = cursor[top]!;
      if (i < start[v + 1]!) {
        cursor[top] = i + 1;
        const w = targets[i]!;
        if (state[w] === 1) return stack.slice(stack.indexOf(w));
        if (state[w] === 0) {
          state[w] = 1;
          stack.push(w);
          cursor.push(start[w]!);
        }
      } else {
        state[v] = 2;
        stack.pop();
        cursor.pop();
      }
    }
  }
  return undefined;
}

/** Which outputs each input reaches without passing a register (for parents' checks). */
export function summarize(m: ModuleIR, summaries: ReadonlyMap<ModuleIR, CombSummary>): CombSummary {
  const summary: CombSummary = new Map();
  if (m.ext) return summary;
  const { graph, ids } = buildGraph(m, summaries, true);
  const outputs = new Map<number, string>();
  const inputs: [string, number][] = [];
  for (const p of m.ports) {
    // A port leaf's label is its path from the port (`in.valid`), which is
    // also how a parent's instance port leaves are keyed after the instance id.
    const ground = p.type.kind !== 'bundle' && p.type.kind !== 'vec';
    for (const leaf of ids.leavesOf(p).leaves) {
      const id = ground ? graph.objectVertex(p) : graph.node(leaf.key, leaf.label);
      if ((p.dir === 'input') !== leaf.flipped) inputs.push([leaf.label, id]);
      else outputs.set(id, leaf.label);
    }
  }
  const { start: succStart, targets } = graph.successors();
  for (const [name, start] of inputs) {
    const seen = new Uint8Array(graph.labels.length);
    const todo = [start];
    seen[start] = 1;
    const reached = new Set<string>();
    while (todo.length) {
      const v = todo.pop()!;
      const out = outputs.get(v);
      if (out !== undefined && v !== start) reached.add(out);
      for (let e = succStart[v]!; e < succStart[v + 1]!; e++) {
        const w = targets[e]!;
        if (!seen[w]) (seen[w] = 1), todo.push(w);
      }
    }
    if (reached.size) summary.set(name, reached);
  }
  return summary;
}
