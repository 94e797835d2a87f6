// Conditional connection blocks with last-connect semantics (FIRRTL `when`).
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Stmt, When } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { Bool } from './values.ts';

export interface WhenChain {
  elsewhen(cond: Bool, body: () => void): WhenChain;
  otherwise(body: () => void): void;
}

function checkCond(cond: Bool, what: string): void {
  if (cond.type.kind !== 'uint' || cond.width !== 1) {
    throw new HashiError(`the condition of ${what} must be a Bool (1-bit UInt), got ${cond.width} bits`, 'compare it (.eq, .orR, ...) to get a Bool', captureLocator(), 'bad-condition');
  }
}

function chain(stmt: When): WhenChain {
  return {
    elsewhen(cond, body) {
      checkCond(cond, 'elsewhen');
      const b = builder('elsewhen');
      const inner: When = { kind: 'when', cond: cond.ref, then: [], otherwise: undefined, loc: captureLocator() };
      stmt.otherwise = [inner];
      b.inBlock(inner.then, body);
      return chain(inner);
    },
    otherwise(body) {
      const b = builder('otherwise');
      const block: Stmt[] = [];
      stmt.otherwise = block;
      b.inBlock(block, body);
    },
  };
}

export function when(cond: Bool, body: () => void): WhenChain {
  checkCond(cond, 'when');
  const b = builder('when');
  const stmt: When = { kind: 'when', cond: cond.ref, then: [], otherwise: undefined, loc: captureLocator() };
  b.push(stmt);
  b.inBlock(stmt.then, body);
  return chain(stmt);
}
