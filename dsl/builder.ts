// The elaboration context: which module is being built, which `when` block
// statements go into, the implicit clock and reset, and the name prefixes that
// automatic naming pushes while a value is computed.
import { HashiError } from './errors.ts';
import type { ModuleIR, Operand, Stmt } from './ir.ts';
import { captureLocator } from './locator.ts';

export class ModuleBuilder {
  readonly blocks: Stmt[][];
  readonly prefixes: string[] = [];
  clock: Operand | undefined;
  reset: Operand | undefined;

  constructor(readonly ir: ModuleIR) {
    this.blocks = [ir.body];
  }

  /** A fresh declaration id in this module. */
  newId(): number {
    return this.ir.declCount++;
  }

  push(stmt: Stmt): void {
    this.blocks[this.blocks.length - 1]!.push(stmt);
  }

  /** Add node `id` to the current block, extending the block's last run of nodes when it can. */
  pushNode(id: number): void {
    const block = this.blocks[this.blocks.length - 1]!;
    const last = block[block.length - 1];
    if (last !== undefined && last.kind === 'nodes' && last.end === id) last.end = id + 1;
    else block.push({ kind: 'nodes', start: id, end: id + 1 });
  }

  /** Run `fn` with statements going into `block` (the body of a when). */
  inBlock(block: Stmt[], fn: () => void): void {
    this.blocks.push(block);
    try {
      fn();
    } finally {
      this.blocks.pop();
    }
  }

  /** Chisel-style temporary name: `_T`, or `_sum_T` while `sum` is being computed. */
  tempName(): string {
    const p = this.prefixes;
    return p.length ? `_${p.join('_')}_T` : '_T';
  }

  private plainTemp = -1;

  /** tempName() as an entry of the module's node name table. */
  tempNameId(): number {
    if (this.prefixes.length) return this.ir.nodes.nameId(this.tempName());
    if (this.plainTemp < 0) this.plainTemp = this.ir.nodes.nameId('_T');
    return this.plainTemp;
  }
}

let current: ModuleBuilder | undefined;

export function currentBuilder(): ModuleBuilder | undefined {
  return current;
}

/** The module under construction; a clear error when hardware is made outside one. */
export function builder(what: string): ModuleBuilder {
  if (!current) {
    throw new HashiError(
      `${what} was created outside a module`,
      'create hardware inside the body of defineModule({ ... body(p) { ... } }), which runs when the design is elaborated',
      captureLocator(),
      'outside-module',
    );
  }
  return current;
}

export function withBuilder<T>(b: ModuleBuilder, fn: () => T): T {
  const outer = current;
  current = b;
  try {
    return fn();
  } finally {
    current = outer;
  }
}
