// Runtime half of automatic naming: the source transform rewrites
// `const x = EXPR` into `const x = __hashi_name("x", () => EXPR)`. While EXPR
// runs, temporaries are prefixed with `x` (`_x_T`); afterwards the result, if
// it is hardware (a value or an instance), is named `x` unless named explicitly.
import { currentBuilder } from '../builder.ts';
import { NameSource } from '../ir.ts';
import { locatorTable, setCurrentLocator } from '../locator.ts';
import type { SourceLoc } from '../locator.ts';
import { MemValue } from '../memory.ts';
import { instanceOf } from '../module.ts';
import { Data, setName } from '../values.ts';

export function __hashi_name<T>(name: string, thunk: () => T): T {
  const b = currentBuilder();
  if (!b) return thunk();
  b.prefixes.push(name);
  let result: T;
  try {
    result = thunk();
  } finally {
    b.prefixes.pop();
  }
  if (result instanceof Data) {
    setName(result.ref, name, NameSource.Auto);
  } else if (result instanceof MemValue) {
    result.suggestAutoName(name);
  } else if (typeof result === 'object' && result !== null) {
    const inst = instanceOf.get(result);
    if (inst && inst.nameSource < NameSource.Auto) {
      inst.name = name;
      inst.nameSource = NameSource.Auto;
    }
  }
  return result;
}

/** Transformed code runs this before each statement: that statement is the locator. */
export function __hashi_at(loc: SourceLoc): void {
  setCurrentLocator(loc);
}

/** A transformed file's locator table, built once when it loads. */
export function __hashi_locs(fileUrl: string, pairs: readonly number[]): SourceLoc[] {
  return locatorTable(fileUrl, pairs);
}
