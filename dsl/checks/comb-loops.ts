// Combinational loops, found before firtool and reported as the loop of named
// signals. Registers break paths; instances contribute the input-to-output
// paths of their module; comb-read memories connect address to data.
import { HashiError } from '../errors.ts';
import type { ModuleIR, Operand, Stmt } from '../ir.ts';
import type { SourceLoc } from '../locator.ts';
import { LeafIds } from './leaves.ts';

/** Per module: for each input leaf name, the output leaf names it reaches combinationally. */
export type CombSummary = Map<string, Set<string>>;

class Graph {
  readonly index = new Map<string, number>();
  readonly labels: string[] = [];
  readonly locs: (SourceLoc | undefined)[] = [];
  readonly edges: number[][] = [];

  node(key: string, label: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.labels.length;
      this.index.set(key, i);
      this.labels.push(label);
      this.locs.push(undefined);
      this.edges.push([]);
    }
    return i;
  }

  edge(from: number, to: number, loc: SourceLoc | undefined): void {
    this.edges[from]!.push(to);
    this.locs[to] ??= loc;
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
  const names = cycle.map((i) => graph.labels[i]!);
  const loc = cycle.map((i) => graph.locs[i]).find((l) => l !== undefined);
  throw new HashiError(
    `combinational loop in module '${m.name}': ${[...names, names[0]].join(' -> ')}`,
    'break the loop with a register (RegNext), or remove one of the connections in it',
    loc,
    'comb-loop',
  );
}

function buildGraph(m: ModuleIR, summaries: ReadonlyMap<ModuleIR, CombSummary>): { graph: Graph; ids: LeafIds } {
  const ids = new LeafIds();
  const graph = new Graph();
  const leavesOf = (o: Operand): number[] => ids.leavesOf(o).leaves.map((l) => graph.node(l.key, l.label));
  const depsOf = (o: Operand): number[] => [...leavesOf(o), ...indexOperands(o).flatMap(depsOf)];
  const isReg = (o: Operand): boolean => {
    const r = ids.leavesOf(o).root;
    return r?.kind === 'reg';
  };

  const walk = (stmts: readonly Stmt[], conds: number[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'node': {
          const to = graph.node(String(ids.idOf(s)), s.name);
          for (const a of s.args) for (const from of depsOf(a)) graph.edge(from, to, s.loc);
          break;
        }
        case 'connect': {
          const sink = ids.leavesOf(s.sink).leaves;
          const src = ids.leavesOf(s.src).leaves;
          const extra = [...indexOperands(s.sink).flatMap(depsOf), ...indexOperands(s.src).flatMap(depsOf), ...conds];
          sink.forEach((leaf, i) => {
            const other = src[i];
            if (!other) return;
            const [from, to, toOp] = leaf.flipped ? [leaf, other, s.src] : [other, leaf, s.sink];
            if (isReg(toOp)) return; // a register's input is next-state, not a path
            const t = graph.node(to.key, to.label);
            graph.edge(graph.node(from.key, from.label), t, s.loc);
            for (const d of extra) graph.edge(d, t, s.loc);
          });
          break;
        }
        case 'when': {
          const c = [...conds, ...depsOf(s.cond)];
          walk(s.then, c);
          if (s.otherwise) walk(s.otherwise, c);
          break;
        }
        case 'inst': {
          const summary = summaries.get(s.module);
          if (!summary) break;
          for (const [input, outputs] of summary) {
            const from = graph.node(`${ids.idOf(s)}.${input}`, `${s.name}.${input}`);
            for (const out of outputs) graph.edge(from, graph.node(`${ids.idOf(s)}.${out}`, `${s.name}.${out}`), s.loc);
          }
          break;
        }
        case 'mem':
          for (const p of s.ports) {
            if (p.role !== 'reader' || s.readLatency !== 0) continue;
            const at = `${ids.idOf(s)}.${p.name}`;
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

/** Iterative DFS; returns the nodes of one cycle in order, if any. */
function findCycle(g: Graph): number[] | undefined {
  const n = g.labels.length;
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const cursor: number[] = [];
  for (let start = 0; start < n; start++) {
    if (state[start]) continue;
    stack.push(start);
    cursor.push(0);
    state[start] = 1;
    while (stack.length) {
      const v = stack[stack.length - 1]!;
      const edges = g.edges[v]!;
      const i = cursor[cursor.length - 1]!;
      if (i < edges.length) {
        cursor[cursor.length - 1] = i + 1;
        const w = edges[i]!;
        if (state[w] === 1) return stack.slice(stack.indexOf(w));
        if (state[w] === 0) {
          state[w] = 1;
          stack.push(w);
          cursor.push(0);
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
  const { graph, ids } = buildGraph(m, summaries);
  const outputs = new Map<number, string>();
  const inputs: [string, number][] = [];
  for (const p of m.ports) {
    // A port leaf's label is its path from the port (`in.valid`), which is
    // also how a parent's instance port leaves are keyed after the instance id.
    for (const leaf of ids.leavesOf(p).leaves) {
      const id = graph.node(leaf.key, leaf.label);
      if ((p.dir === 'input') !== leaf.flipped) inputs.push([leaf.label, id]);
      else outputs.set(id, leaf.label);
    }
  }
  for (const [name, start] of inputs) {
    const seen = new Uint8Array(graph.labels.length);
    const todo = [start];
    seen[start] = 1;
    const reached = new Set<string>();
    while (todo.length) {
      const v = todo.pop()!;
      const out = outputs.get(v);
      if (out !== undefined && v !== start) reached.add(out);
      for (const w of graph.edges[v]!) if (!seen[w]) (seen[w] = 1), todo.push(w);
    }
    if (reached.size) summary.set(name, reached);
  }
  return summary;
}
