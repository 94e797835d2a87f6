// Pure parsing of Yosys `stat` output (no I/O): the cell counts per module and
// for the whole design hierarchy, and the area figures hashi reports from them.
//
// A `stat` block looks like
//   === Po2Dot ===
//      Number of wires:                 46
//      ...
//      Number of cells:                 48
//        $_ANDNOT_                      12
//        $add_6                          1      (with `stat -width`: type_width)
//        Po2Dot                          3      (a submodule instance)
// and `stat -top T` ends with a `=== design hierarchy ===` block that first lists
// instance counts (`T 1`, indented children), then the totals over the whole
// hierarchy (submodule cells multiplied by their instance counts).

export interface StatBlock {
  readonly name: string;
  /** "Number of cells" as Yosys prints it (instances of submodules included). */
  readonly cells: number;
  /** Cell type -> count, in the order Yosys lists them. */
  readonly types: Readonly<Record<string, number>>;
}

export interface HierarchyBlock extends StatBlock {
  /** Module -> number of instances in the hierarchy (the top counts 1). */
  readonly instances: Readonly<Record<string, number>>;
}

export interface StatReport {
  readonly modules: Readonly<Record<string, StatBlock>>;
  readonly hierarchy?: HierarchyBlock;
}

const HEADER = /^=== (.+) ===$/;
const COUNT_LINE = /^\s+(\S+)\s+(\d+)$/;
const NUMBER_OF = /^\s+Number of ([a-z ]+):\s+(\d+)$/;

/** Parse the text of one `stat` run (the last block of a name wins if it repeats). */
export function parseStat(text: string): StatReport {
  const modules: Record<string, StatBlock> = {};
  let hierarchy: HierarchyBlock | undefined;
  let cur: { name: string; cells: number; types: Record<string, number>; instances: Record<string, number>; seenNumbers: boolean; inCells: boolean } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const block = { name: cur.name, cells: cur.cells, types: cur.types };
    if (cur.name === 'design hierarchy') hierarchy = { ...block, instances: cur.instances };
    else modules[cur.name] = block;
    cur = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const h = HEADER.exec(line.trim());
    if (h) {
      flush();
      cur = { name: h[1] as string, cells: 0, types: {}, instances: {}, seenNumbers: false, inCells: false };
      continue;
    }
    if (!cur) continue;
    const n = NUMBER_OF.exec(line);
    if (n) {
      cur.seenNumbers = true;
      cur.inCells = n[1] === 'cells';
      if (cur.inCells) cur.cells = Number(n[2]);
      continue;
    }
    const c = COUNT_LINE.exec(line);
    if (c) {
      if (!cur.seenNumbers) cur.instances[c[1] as string] = Number(c[2]);
      else if (cur.inCells) cur.types[c[1] as string] = (cur.types[c[1] as string] ?? 0) + Number(c[2]);
      continue;
    }
    if (line.trim() !== '' && cur.seenNumbers && cur.inCells && !/^\s/.test(raw)) cur.inCells = false;
  }
  flush();
  return hierarchy ? { modules, hierarchy } : { modules };
}

export interface AreaFigures {
  /** $add + $sub + $neg cells (before alumacc). */
  adders: number;
  /** Sum of those cells' widths (from `stat -width`). */
  adder_bits: number;
  /** $mul cells (before alumacc). */
  mul_cells: number;
}

const ADDER = /^\$(add|sub|neg)(?:_(\d+))?$/;
const MUL = /^\$mul(?:_\d+)?$/;

/** Adder and multiplier figures of one block of `stat -width` taken after `proc; opt; wreduce`. */
export function arithmeticFigures(types: Readonly<Record<string, number>>): AreaFigures {
  let adders = 0;
  let bits = 0;
  let muls = 0;
  for (const [t, n] of Object.entries(types)) {
    const a = ADDER.exec(t);
    if (a) {
      adders += n;
      bits += n * Number(a[2] ?? 0);
    } else if (MUL.test(t)) muls += n;
  }
  return { adders, adder_bits: bits, mul_cells: muls };
}

export interface GateFigures {
  /** Yosys generic cells ($_AND_, $_XOR_, $_MUX_, flip-flops, ...). */
  gates: number;
  /** Of which flip-flops. */
  dffs: number;
}

/** Generic-gate figures of one block taken after `synth` (submodule instances are not gates). */
export function gateFigures(types: Readonly<Record<string, number>>): GateFigures {
  let gates = 0;
  let dffs = 0;
  for (const [t, n] of Object.entries(types)) {
    if (!t.startsWith('$_')) continue;
    gates += n;
    if (/DFF|DLATCH/.test(t)) dffs += n;
  }
  return { gates, dffs };
}
