// The catalogue of misuse: each case is a small design that gets something
// wrong. Every error must be a HashiError with its code, a message that says
// what is wrong, a fix, and the user's file:line (the line tagged `// mark`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Bool,
  Bundle,
  Clock,
  Enum,
  Flipped,
  HashiError,
  IO,
  Input,
  Mem,
  Output,
  Reg,
  RegInit,
  RegNext,
  SInt,
  UInt,
  Vec,
  Wire,
  defineModule,
  defineRawModule,
  elaborate,
  instance,
  printf,
  when,
} from '../../dsl/index.ts';
import type { ModuleDef } from '../../dsl/index.ts';

const here = 'test/dsl/error-catalogue.test.ts';
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
function lineOf(mark: string): number {
  const i = source.findIndex((l) => l.trimEnd().endsWith(`// mark:${mark}`));
  if (i < 0) throw new Error(`no line marked ${mark}`);
  return i + 1;
}

const Pass = defineModule({
  name: 'Pass',
  body: () => {
    const io = IO({ i: Input(UInt(4)), o: Output(UInt(4)) });
    io.o.connect(io.i);
    return io;
  },
});

const M = (body: () => void): ModuleDef => defineModule({ name: 'M', body });

interface Case {
  readonly mark: string;
  readonly code: string;
  readonly message: RegExp;
  readonly run: () => unknown;
}

const cases: Case[] = [
  {
    mark: 'truncate',
    code: 'implicit-truncation',
    message: /connecting UInt\(8\) 'a' to UInt\(4\) 'o' would silently drop 4 high bit\(s\)[\s\S]*\.trunc\(4\)/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), o: Output(UInt(4)) });
          io.o.connect(io.a); // mark:truncate
        }),
      ),
  },
  {
    mark: 'leaf-truncate',
    code: 'implicit-truncation',
    message: /'a\.x' .* would silently drop 2 high bit/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(Bundle({ x: UInt(6) })), o: Output(Bundle({ x: UInt(4) })) });
          io.o.connect(io.a); // mark:leaf-truncate
        }),
      ),
  },
  {
    mark: 'drive-input',
    code: 'drive-input',
    message: /cannot drive input 'a' from inside its own module/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)) });
          io.a.connect(3); // mark:drive-input
        }),
      ),
  },
  {
    mark: 'drive-field',
    code: 'drive-input',
    message: /cannot drive input 'a\.bits'/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(Bundle({ valid: Bool(), ready: Flipped(Bool()), bits: UInt(4) })) });
          io.a.ready.connect(true);
          io.a.bits.connect(1); // mark:drive-field
        }),
      ),
  },
  {
    mark: 'drive-inst-out',
    code: 'drive-instance-output',
    message: /cannot drive output 'p\.o' of an instance from outside it/,
    run: () =>
      elaborate(
        M(() => {
          const p = instance(Pass);
          p.i.connect(0);
          p.o.connect(1); // mark:drive-inst-out
        }),
      ),
  },
  {
    mark: 'to-expression',
    code: 'connect-to-expression',
    message: /cannot connect to '.*': it is the result of an expression/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), b: Input(UInt(8)) });
          io.a.add(io.b).connect(0); // mark:to-expression
        }),
      ),
  },
  {
    mark: 'outside',
    code: 'outside-module',
    message: /RegInit was created outside a module/,
    run: () => RegInit(UInt(4), 0), // mark:outside
  },
  {
    mark: 'overflow',
    code: 'literal-overflow',
    message: /literal 8 does not fit in UInt\(3\) \(range 0 to 7\)/,
    run: () =>
      elaborate(
        M(() => {
          RegInit(UInt(3), 8); // mark:overflow
        }),
      ),
  },
  {
    mark: 'negative',
    code: 'negative-uint-literal',
    message: /-1 is negative but is used as a UInt/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) });
          io.o.connect(io.a.add(-1)); // mark:negative
        }),
      ),
  },
  {
    mark: 'bits',
    code: 'bit-index-out-of-range',
    message: /bits\(9, 8\) is out of range for a 8-bit value[\s\S]*7 >= hi >= lo >= 0/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), o: Output(UInt(2)) });
          io.o.connect(io.a.bits(9, 8)); // mark:bits
        }),
      ),
  },
  {
    mark: 'vec-index',
    code: 'vec-index-out-of-range',
    message: /index 3 is out of range for a Vec of 3/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ v: Input(Vec(3, UInt(2))), o: Output(UInt(2)) });
          io.o.connect(io.v.at(3)); // mark:vec-index
        }),
      ),
  },
  {
    mark: 'mix',
    code: 'type-mismatch',
    message: /'add' mixes UInt\(8\) 'a' with SInt\(8\) 'b'/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), b: Input(SInt(8)), o: Output(UInt(9)) });
          io.o.connect(io.a.add(io.b as never)); // mark:mix
        }),
      ),
  },
  {
    mark: 'connect-kind',
    code: 'type-mismatch',
    message: /cannot connect SInt\(4\) 'b' to UInt\(8\) 'o': the types differ/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ b: Input(SInt(4)), o: Output(UInt(8)) });
          io.o.connect(io.b); // mark:connect-kind
        }),
      ),
  },
  {
    mark: 'shape',
    code: 'bundle-shape-mismatch',
    message: /fields only in the sink: y; fields only in the source: x/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(Bundle({ x: UInt(2) })), b: Output(Bundle({ y: UInt(2) })) });
          io.b.connect(io.a); // mark:shape
        }),
      ),
  },
  {
    mark: 'vec-length',
    code: 'vec-length-mismatch',
    message: /vec lengths differ .*: 2 versus 3/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(Vec(3, UInt(2))), b: Output(Vec(2, UInt(2))) });
          io.b.connect(io.a); // mark:vec-length
        }),
      ),
  },
  {
    mark: 'cond',
    code: 'bad-condition',
    message: /the condition of when must be a Bool \(1-bit UInt\), got 8 bits/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(8)), o: Output(Bool()) });
          io.o.connect(false);
          when(io.a as unknown as Bool, () => io.o.connect(true)); // mark:cond
        }),
      ),
  },
  {
    mark: 'width',
    code: 'bad-width',
    message: /UInt\(0\) is not a valid width/,
    run: () =>
      elaborate(
        M(() => {
          IO({ a: Input(UInt(0)) }); // mark:width
        }),
      ),
  },
  {
    mark: 'keyword',
    code: 'port-name-keyword',
    message: /port 'small' is a SystemVerilog keyword/,
    run: () =>
      elaborate(
        M(() => {
          IO({ small: Input(UInt(2)) }); // mark:keyword
        }),
      ),
  },
  {
    mark: 'dup-port',
    code: 'duplicate-port',
    message: /port 'a' is declared twice/,
    run: () =>
      elaborate(
        M(() => {
          IO({ a: Input(UInt(2)) });
          IO({ a: Input(UInt(2)) }); // mark:dup-port
        }),
      ),
  },
  {
    mark: 'field-name',
    code: 'bad-field-name',
    message: /bundle field name 'connect' is reserved/,
    run: () => Bundle({ connect: UInt(1) }), // mark:field-name
  },
  {
    mark: 'bad-name',
    code: 'bad-name',
    message: /'1st' is not a valid hardware name/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(2)) });
          const w = Wire(UInt(2)).named('1st'); // mark:bad-name
          w.connect(0);
          io.o.connect(w);
        }),
      ),
  },
  {
    mark: 'undriven',
    code: 'not-initialized',
    message: /wire 'lonely' in module 'M' is never driven/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(4)) });
          const w = Wire(UInt(4)).named('lonely'); // mark:undriven
          io.o.connect(w);
        }),
      ),
  },
  {
    mark: 'partial',
    code: 'not-initialized',
    message: /output 'o' in module 'M' is not driven on every path/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ c: Input(Bool()), o: Output(UInt(4)) }); // mark:partial
          when(io.c, () => io.o.connect(3));
        }),
      ),
  },
  {
    mark: 'inst-input',
    code: 'not-initialized',
    message: /instance input 'child\.i' in module 'M' is never driven/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(4)) });
          const child = instance(Pass); // mark:inst-input
          io.o.connect(child.o);
        }),
      ),
  },
  {
    mark: 'loop',
    code: 'comb-loop',
    message: /combinational loop in module 'M': (a -> b -> a|b -> a -> b)/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(4)) });
          const a = Wire(UInt(4)).named('a');
          const b = Wire(UInt(4)).named('b');
          a.connect(b); // mark:loop
          b.connect(a);
          io.o.connect(a);
        }),
      ),
  },
  {
    mark: 'inst-loop',
    code: 'comb-loop',
    message: /combinational loop in module 'M': .*p\.(i|o) -> .*p\.(o|i)/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(4)) });
          const p = instance(Pass);
          p.i.connect(p.o); // mark:inst-loop
          io.o.connect(p.o);
        }),
      ),
  },
  {
    mark: 'no-clock',
    code: 'no-clock',
    message: /Reg needs a clock, but this module has no implicit clock/,
    run: () =>
      elaborate(
        defineRawModule({
          name: 'R',
          body: () => {
            IO({ clk: Input(Clock()) });
            Reg(UInt(2)); // mark:no-clock
          },
        }),
      ),
  },
  {
    mark: 'inst-no-clock',
    code: 'no-clock',
    message: /module 'Pass' has an implicit clock and reset, but there are none here/,
    run: () =>
      elaborate(
        defineRawModule({
          name: 'R',
          body: () => {
            instance(Pass); // mark:inst-no-clock
          },
        }),
      ),
  },
  {
    mark: 'format',
    code: 'bad-format',
    message: /printf message has 2 placeholder\(s\) .* but 1 argument\(s\)/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(4)) });
          printf('%d and %x\n', io.a); // mark:format
        }),
      ),
  },
  {
    mark: 'mem-type',
    code: 'bad-mem-type',
    message: /memories hold UInt or SInt words, not bundle/,
    run: () =>
      elaborate(
        M(() => {
          Mem(4, Bundle({ a: UInt(1) }) as never); // mark:mem-type
        }),
      ),
  },
  {
    mark: 'shift',
    code: 'bad-shift',
    message: /shl\(-1\): the shift must be a non-negative integer/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(4)), o: Output(UInt(8)) });
          io.o.connect(io.a.shl(-1)); // mark:shift
        }),
      ),
  },
  {
    mark: 'as-bool',
    code: 'bad-width',
    message: /asBool\(\) needs a 1-bit value, this one has 4 bits/,
    run: () =>
      elaborate(
        M(() => {
          const io = IO({ a: Input(UInt(4)), o: Output(Bool()) });
          io.o.connect(io.a.asBool()); // mark:as-bool
        }),
      ),
  },
  {
    mark: 'param',
    code: 'unknown-param',
    message: /module 'G' has no parameter 'widht'[\s\S]*its parameters are: width, depth/,
    run: () => {
      const G = defineModule({ name: 'G', params: { width: 8, depth: 2 }, body: () => {} }); // mark:param
      return elaborate(G, { widht: 3 } as never);
    },
  },
  {
    mark: 'param-type',
    code: 'bad-param',
    message: /parameter 'width' of module 'G' must be a number, got "8"/,
    run: () => {
      const G = defineModule({ name: 'G', params: { width: 8 }, body: () => {} }); // mark:param-type
      return elaborate(G, { width: '8' } as never);
    },
  },
  {
    mark: 'enum',
    code: 'bad-argument',
    message: /Enum state 'idle' is listed twice/,
    run: () => Enum(['idle', 'run', 'idle']), // mark:enum
  },
];

describe('misuse catalogue', () => {
  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of cases) {
    it(`${c.code}: ${c.mark}`, () => {
      let error: unknown;
      try {
        c.run();
      } catch (e) {
        error = e;
      }
      expect(error, 'expected a HashiError').toBeInstanceOf(HashiError);
      const e = error as HashiError;
      expect(e.code).toBe(c.code);
      expect(e.message).toMatch(c.message);
      expect(e.message).toContain('\n  fix: ');
      expect(e.message.startsWith(`${here}:${lineOf(c.mark)}:`), e.message).toBe(true);
    });
  }
});

describe('well-formed designs pass the same checks', () => {
  it('accepts when/otherwise, a default before a when, DontCare-free full drives, and loops broken by registers', () => {
    const ok = M(() => {
      const io = IO({ c: Input(Bool()), o: Output(UInt(4)), p: Output(UInt(4)), q: Output(UInt(4)) });
      when(io.c, () => io.o.connect(3)).otherwise(() => io.o.connect(4));
      io.p.connect(0);
      when(io.c, () => io.p.connect(1));
      const p = instance(Pass);
      p.i.connect(RegNext(p.o));
      io.q.connect(p.o);
    });
    expect(() => elaborate(ok)).not.toThrow();
  });
});
