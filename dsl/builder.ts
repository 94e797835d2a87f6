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
