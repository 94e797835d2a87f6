import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Bool, DontCare, HashiError, IO, Input, Output, RegInit, RegNext, SInt, UInt, Wire, defineModule, elaborate, instance, when } from '../../dsl/index.ts';
import type { ModuleDef } from '../../dsl/index.ts';

// Each misuse below sits on a line tagged `// mark:<name>`; the error must name
// this file and that line.
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
function lineOf(mark: string): number {
  const i = source.findIndex((l) => l.includes(`// mark:${mark}`) && !l.includes('lineOf('));
  if (i < 0) throw new Error(`no mark ${mark}`);
  return i + 1;
}

function elaborationError(def: ModuleDef): HashiError {
  try {
    elaborate(def);
  } catch (e) {
    if (e instanceof HashiError) return e;
    throw e;
  }
  throw new Error('elaboration succeeded, but an error was expected');
}

function moduleWith(body: () => void): ModuleDef {
  return defineModule({ name: 'M', body });
}

const here = 'test/dsl/errors.test.ts';

describe('misuse is reported at the user line with a fix', () => {
  it('rejects implicit truncation on connect', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)), o: Output(UInt(4)) });
        io.o.connect(io.a); // mark:truncate
      }),
    );
    expect(e.code).toBe('implicit-truncation');
    expect(e.message).toContain(`${here}:${lineOf('truncate')}:`);
    expect(e.message).toContain("would silently drop 4 high bit(s)");
    expect(e.message).toContain('.trunc(4)');
  });

  it('rejects driving an input port from inside its module', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)) });
        io.a.connect(3); // mark:drive-input
      }),
    );
    expect(e.code).toBe('drive-input');
    expect(e.message).toContain(`${here}:${lineOf('drive-input')}:`);
  });

  it('rejects hardware created outside a module', () => {
    let err: unknown;
    try {
      RegInit(UInt(4), 0); // mark:outside
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HashiError);
    expect((err as HashiError).code).toBe('outside-module');
    expect((err as HashiError).message).toContain(`${here}:${lineOf('outside')}:`);
  });

  it('rejects a register init literal that does not fit', () => {
    const e = elaborationError(
      moduleWith(() => {
        RegInit(UInt(3), 8); // mark:overflow
      }),
    );
    expect(e.code).toBe('literal-overflow');
    expect(e.message).toContain('range 0 to 7');
    expect(e.message).toContain(`${here}:${lineOf('overflow')}:`);
  });

  it('rejects a negative literal used as a UInt', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) });
        io.o.connect(io.a.add(-1)); // mark:negative
      }),
    );
    expect(e.code).toBe('negative-uint-literal');
    expect(e.message).toContain(`${here}:${lineOf('negative')}:`);
  });

  it('rejects a static bit extract out of range', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)), o: Output(UInt(2)) });
        io.o.connect(io.a.bits(9, 8)); // mark:bits
      }),
    );
    expect(e.code).toBe('bit-index-out-of-range');
    expect(e.message).toContain('7 >= hi >= lo >= 0');
    expect(e.message).toContain(`${here}:${lineOf('bits')}:`);
  });

  it('rejects mixing UInt and SInt', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)), b: Input(SInt(8)), o: Output(UInt(9)) });
        io.o.connect(io.a.add(io.b as never)); // mark:mix
      }),
    );
    expect(e.code).toBe('type-mismatch');
    expect(e.message).toContain(`${here}:${lineOf('mix')}:`);
  });

  it('rejects a multi-bit when condition', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ a: Input(UInt(8)), o: Output(Bool()) });
        when(io.a as unknown as Bool, () => io.o.connect(true)); // mark:cond
      }),
    );
    expect(e.code).toBe('bad-condition');
    expect(e.message).toContain(`${here}:${lineOf('cond')}:`);
  });

  it('rejects an invalid width', () => {
    const e = elaborationError(
      moduleWith(() => {
        IO({ a: Input(UInt(0)) }); // mark:width
      }),
    );
    expect(e.code).toBe('bad-width');
    expect(e.message).toContain(`${here}:${lineOf('width')}:`);
  });

  it('rejects an unknown generator parameter and lists the real ones', () => {
    const G = defineModule({ name: 'G', params: { width: 8, depth: 2 }, body: () => {} });
    expect(() => elaborate(G, { widht: 3 } as never)).toThrow(/no parameter 'widht'[\s\S]*width, depth/);
  });

  it('rejects a port named like a SystemVerilog keyword', () => {
    const e = elaborationError(
      moduleWith(() => {
        IO({ small: Input(UInt(2)) }); // mark:keyword
      }),
    );
    expect(e.code).toBe('port-name-keyword');
    expect(e.message).toContain(`${here}:${lineOf('keyword')}:`);
  });
});

describe('structural checks', () => {
  it('reports a wire that is never driven, at its declaration', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ o: Output(UInt(4)) });
        const w = Wire(UInt(4)).named('lonely'); // mark:undriven
        io.o.connect(w);
      }),
    );
    expect(e.code).toBe('not-initialized');
    expect(e.message).toContain("wire 'lonely' in module 'M' is never driven");
    expect(e.message).toContain(`${here}:${lineOf('undriven')}:`);
  });

  it('reports an output driven only inside a when without otherwise', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ c: Input(Bool()), o: Output(UInt(4)) }); // mark:partial
        when(io.c, () => io.o.connect(3));
      }),
    );
    expect(e.code).toBe('not-initialized');
    expect(e.message).toContain("output 'o' in module 'M' is not driven on every path");
    expect(e.message).toContain(`${here}:${lineOf('partial')}:`);
  });

  it('accepts a when/otherwise pair, a default before a when, and DontCare', () => {
    const ok = moduleWith(() => {
      const io = IO({ c: Input(Bool()), o: Output(UInt(4)), p: Output(UInt(4)), q: Output(UInt(4)) });
      when(io.c, () => io.o.connect(3)).otherwise(() => io.o.connect(4));
      io.p.connect(0);
      when(io.c, () => io.p.connect(1));
      io.q.connect(DontCare);
    });
    expect(() => elaborate(ok)).not.toThrow();
  });

  it('reports an instance input left undriven', () => {
    const Child = defineModule({
      name: 'Child',
      body: () => {
        const io = IO({ i: Input(UInt(2)), o: Output(UInt(2)) });
        io.o.connect(io.i);
        return io;
      },
    });
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ o: Output(UInt(2)) });
        const child = instance(Child); // mark:inst
        io.o.connect(child.o);
      }),
    );
    expect(e.code).toBe('not-initialized');
    expect(e.message).toContain("instance input 'child.i' in module 'M' is never driven");
    expect(e.message).toContain(`${here}:${lineOf('inst')}:`);
  });

  it('reports a combinational loop as the path of named signals', () => {
    const e = elaborationError(
      moduleWith(() => {
        const io = IO({ o: Output(UInt(4)) });
        const a = Wire(UInt(4)).named('a');
        const b = Wire(UInt(4)).named('b');
        a.connect(b);
        b.connect(a); // mark:loop
        io.o.connect(a);
      }),
    );
    expect(e.code).toBe('comb-loop');
    expect(e.message).toMatch(/combinational loop in module 'M': (a -> b -> a|b -> a -> b)/);
    expect(e.message).toContain(`${here}:`);
  });

  it('finds a loop that passes through a child instance, and none through a register', () => {
    const Pass = defineModule({
      name: 'Pass',
      body: () => {
        const io = IO({ i: Input(UInt(4)), o: Output(UInt(4)) });
        io.o.connect(io.i);
        return io;
      },
    });
    const Loop = moduleWith(() => {
      const io = IO({ o: Output(UInt(4)) });
      const p = instance(Pass);
      p.i.connect(p.o);
      io.o.connect(p.o);
    });
    expect(elaborationError(Loop).message).toMatch(/combinational loop in module 'M': .*\.i -> .*\.o|\.o -> .*\.i/);
    const Registered = moduleWith(() => {
      const io = IO({ o: Output(UInt(4)) });
      const p = instance(Pass);
      p.i.connect(RegNext(p.o));
      io.o.connect(p.o);
    });
    expect(() => elaborate(Registered)).not.toThrow();
  });
});
