// Conditional connection blocks with last-connect semantics (FIRRTL `when`).
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Stmt, When } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { Bool } from './values.ts';

/** The chain `when` returns: `.elsewhen(cond, body)` and `.otherwise(body)`. */
export interface WhenChain {
  elsewhen(cond: Bool, body: () => void): WhenChain;
  otherwise(body: () => void): void;
}

function checkCond(cond: Bool, what: string): void {
  if (cond.type.kind !== 'uint' || cond.width !== 1) {
    throw new HashiError(`the condition of ${what} must be a Bool (1-bit UInt), got ${cond.width} bits`, 'compare it (.eq, .orR, ...) to get a Bool', captureLocator(), 'bad-condition');
  }
}

/**
 * An `elsewhen` condition is computed after the chain's first `when` was
 * written, yet FIRRTL needs it declared before that `when`. Its nodes are pure,
 * so they move up to just before the chain.
 */
function hoistCondition(block: Stmt[], root: When): void {
  const at = block.indexOf(root);
  const after = block.slice(at + 1);
  if (after.length === 0) return;
  if (after.some((s) => s.kind !== 'nodes')) {
    throw new HashiError(
      'an elsewhen/otherwise was added after other statements followed its when',
      'write the whole when(...).elsewhen(...).otherwise(...) chain in one expression',
      captureLocator(),
      'detached-elsewhen',
    );
  }
  block.splice(at + 1, after.length);
  block.splice(at, 0, ...after);
}

function chain(stmt: When, root: When, block: Stmt[]): WhenChain {
  return {
    elsewhen(cond, body) {
      checkCond(cond, 'elsewhen');
      const b = builder('elsewhen');
      hoistCondition(block, root);
      const inner: When = { kind: 'when', cond: cond.ref, then: [], otherwise: undefined, loc: captureLocator() };
      stmt.otherwise = [inner];
      b.inBlock(inner.then, body);
      return chain(inner, root, block);
    },
    otherwise(body) {
      const b = builder('otherwise');
      hoistCondition(block, root);
      const inner: Stmt[] = [];
      stmt.otherwise = inner;
      b.inBlock(inner, body);
    },
  };
}

/** Conditional connection: connects inside `body` take effect only while `cond` holds; chain `.elsewhen(...)` and `.otherwise(...)`. */
export function when(cond: Bool, body: () => void): WhenChain {
  checkCond(cond, 'when');
  const b = builder('when');
  const stmt: When = { kind: 'when', cond: cond.ref, then: [], otherwise: undefined, loc: captureLocator() };
  b.push(stmt);
  const block = b.blocks[b.blocks.length - 1]!;
  b.inBlock(stmt.then, body);
  return chain(stmt, stmt, block);
}
