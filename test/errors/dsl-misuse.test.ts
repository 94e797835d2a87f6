// The misuse catalogue, language part: each case is a small design that gets
// something wrong. Every one must fail at elaboration (before firtool) with a
// HashiError at the marked line of this file, saying what is wrong and how to
// fix it, with no internal stack frame. Families are counted in the report.
import { describe, expect, it } from 'vitest';
import {
  Bool,
  IO,
  Input,
  Mem,
  Output,
  Reg,
  RegInit,
  SInt,
  SyncReadMem,
  UInt,
  Vec,
  VecInit,
  Wire,
  assert,
  assume,
  cover,
  defineExtModule,
  defineModule,
  elaborate,
  instance,
  mux,
  printf,
  when,
  withClock,
} from '../../dsl/index.ts';
import type { ModuleDef } from '../../dsl/index.ts';
import { U, S } from '../../dsl/values.ts';
import { expectMisuse, marks } from './catalogue.ts';
import type { DslCase } from './catalogue.ts';

const m = marks(import.meta.url);
const M = (body: () => void): ModuleDef => defineModule({ name: 'M', body });
const run = (body: () => void) => () => elaborate(M(body));

const Child = defineModule({
  name: 'Child',
  body: () => {
    const io = IO({ i: Input(UInt(4)), o: Output(UInt(4)) });
    io.o.connect(io.i);
    return io;
  },
});

// Hardware values used as JavaScript numbers or strings.
const primitive = (mark: string, body: () => void, kind: 'number' | 'string' = 'number'): DslCase => ({
  family: 'hardware value as a JS primitive',
  mark,
  code: 'hardware-as-primitive',
  message: kind === 'number' ? /was used as a JavaScript number[\s\S]*fix: use the hardware operations: \.eq/ : /was used as a JavaScript string[\s\S]*fix: .*named/,
  run: run(body),
});

const cases: DslCase[] = [
  primitive('eq-number', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(Bool()) });
    io.o.connect((io.a as unknown as number) == 1 ? 1 : 0); // mark:eq-number
  }),
  primitive('lt-hw', () => {
    const io = IO({ a: Input(UInt(8)), b: Input(UInt(8)), o: Output(Bool()) });
    io.o.connect((io.a as unknown as number) < (io.b as unknown as number)); // mark:lt-hw
  }),
  primitive('gt-hw', () => {
    const io = IO({ a: Input(SInt(8)), b: Input(SInt(8)), o: Output(Bool()) });
    io.o.connect((io.a as unknown as number) > (io.b as unknown as number)); // mark:gt-hw
  }),
  primitive('leq', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(Bool()) });
    io.o.connect((io.a as unknown as number) <= 3); // mark:leq
  }),
  primitive('geq', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(Bool()) });
    io.o.connect((io.a as unknown as number) >= 3); // mark:geq
  }),
  primitive('plus', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) });
    io.o.connect((io.a as unknown as number) + 1); // mark:plus
  }),
  primitive('minus', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) });
    io.o.connect((io.a as unknown as number) - 1); // mark:minus
  }),
  primitive('times', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(16)) });
    io.o.connect((io.a as unknown as number) * 2); // mark:times
  }),
  primitive('unary-plus', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(8)) });
    io.o.connect(+(io.a as unknown as number)); // mark:unary-plus
  }),
  primitive('bit-or', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(8)) });
    io.o.connect((io.a as unknown as number) | 0); // mark:bit-or
  }),
  primitive('shift-op', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) });
    io.o.connect((io.a as unknown as number) << 1); // mark:shift-op
  }),
  primitive('Number', () => {
    const io = IO({ a: Input(UInt(8)), o: Output(UInt(8)) });
    io.o.connect(Number(io.a)); // mark:Number
  }),
  primitive('reg-eq', () => {
    const r = Reg(UInt(4));
    r.connect((r as unknown as number) == 3 ? 0 : 1); // mark:reg-eq
  }),
  primitive('vec-elem', () => {
    const io = IO({ v: Input(Vec(2, UInt(4))), o: Output(Bool()) });
    io.o.connect((io.v.at(0) as unknown as number) > 2); // mark:vec-elem
  }),
  primitive('inst-port', () => {
    const c = instance(Child);
    c.i.connect((c.o as unknown as number) + 1); // mark:inst-port
  }),
  primitive('template', () => {
    const io = IO({ a: Input(UInt(8)) });
    printf(`a is ${(io.a as unknown as string)}\n`); // mark:template
  }, 'string'),
  primitive('String', () => {
    const io = IO({ a: Input(UInt(8)) });
    printf(String(io.a)); // mark:String
  }, 'string'),
  primitive('concat-string', () => {
    const io = IO({ a: Input(UInt(8)) });
    printf('a=' + (io.a as unknown as string)); // mark:concat-string
  }, 'number'),
  primitive('json', () => {
    const io = IO({ a: Input(UInt(8)) });
    printf(JSON.stringify({ a: io.a })); // mark:json
  }, 'string'),
  primitive('toString', () => {
    const io = IO({ a: Input(SInt(8)) });
    printf(io.a.toString()); // mark:toString
  }, 'string'),

  // Literals: integers only, exact, and the fix must be right.
  ...(
    [
      ['unsafe-connect', () => { const io = IO({ o: Output(UInt(64)) }); io.o.connect(2 ** 60 + 1); }, /beyond 2\^53[\s\S]*fix: write it as a bigint/], // mark:unsafe-connect
      ['unsafe-U', () => { const io = IO({ o: Output(UInt(64)) }); io.o.connect(U(2 ** 62)); }, /beyond 2\^53/], // mark:unsafe-U
      ['unsafe-S', () => { const io = IO({ o: Output(SInt(64)) }); io.o.connect(S(-(2 ** 61))); }, /beyond 2\^53/], // mark:unsafe-S
      ['unsafe-add', () => { const io = IO({ a: Input(UInt(60)), o: Output(UInt(61)) }); io.o.connect(io.a.add(2 ** 59)); }, /beyond 2\^53/], // mark:unsafe-add
      ['unsafe-eq', () => { const io = IO({ a: Input(UInt(60)), o: Output(Bool()) }); io.o.connect(io.a.eq(2 ** 56)); }, /beyond 2\^53/], // mark:unsafe-eq
      ['unsafe-reginit', () => { RegInit(UInt(64), 2 ** 63); }, /beyond 2\^53/], // mark:unsafe-reginit
      ['unsafe-mux', () => { const io = IO({ c: Input(Bool()), o: Output(UInt(64)) }); io.o.connect(mux(io.c, 2 ** 60, 0)); }, /beyond 2\^53/], // mark:unsafe-mux
      ['fraction', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(1.5); }, /1\.5 is not an integer/], // mark:fraction
      ['nan', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(NaN); }, /NaN is not an integer/], // mark:nan
      ['infinity', () => { const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) }); io.o.connect(io.a.add(Infinity)); }, /Infinity is not an integer/], // mark:infinity
      ['U-fraction', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(U(0.25)); }, /0\.25 is not an integer/], // mark:U-fraction
    ] as const
  ).map(([mark, body, message]): DslCase => ({ family: 'literals', mark, code: mark.startsWith('unsafe') ? 'unsafe-literal' : 'bad-literal', message, run: run(body) })),
  {
    family: 'literals',
    mark: 'lit64',
    code: 'literal-overflow',
    message: /the literal 18446744073709551616 does not fit in UInt\(64\)[\s\S]*fix: use a value in that range, or widen the sink to 65 bits/,
    not: /\.trunc/,
    run: run(() => {
      const io = IO({ o: Output(UInt(64)) });
      io.o.connect(2n ** 64n); // mark:lit64
    }),
  },
  {
    family: 'literals',
    mark: 'lit-sint',
    code: 'literal-overflow',
    message: /the literal 128 does not fit in SInt\(8\) 'o' \(range -128 to 127\)/,
    not: /\.trunc/,
    run: run(() => {
      const io = IO({ o: Output(SInt(8)) });
      io.o.connect(128); // mark:lit-sint
    }),
  },
  ...(
    [
      ['undefined-src', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(undefined as never); }, /got undefined[\s\S]*fix: check that the value exists/], // mark:undefined-src
      ['null-src', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(null as never); }, /got null/], // mark:null-src
      ['string-src', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect('7' as never); }, /got the string "7"/], // mark:string-src
      ['object-src', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect({ value: 7 } as never); }, /got a object/], // mark:object-src
      ['undefined-operand', () => { const io = IO({ a: Input(UInt(8)), o: Output(UInt(9)) }); io.o.connect(io.a.add(undefined as never)); }, /got undefined/], // mark:undefined-operand
      ['missing-field', () => { const io = IO({ a: Input(UInt(8)), o: Output(Bool()) }); io.o.connect(io.a.eq((io as unknown as Record<string, never>).b!)); }, /got undefined/], // mark:missing-field
      ['string-operand', () => { const io = IO({ a: Input(UInt(8)), o: Output(Bool()) }); io.o.connect(io.a.lt('3' as never)); }, /got the string "3"/], // mark:string-operand
    ] as const
  ).map(([mark, body, message]): DslCase => ({ family: 'undefined or non-hardware values', mark, code: 'bad-literal', message, run: run(body) })),

  // Shift amounts and widths.
  ...(
    [
      ['shl-2^32', () => { const io = IO({ a: Input(UInt(8)) }); io.a.shl(2 ** 32); }, 'bad-shift', /shl\(4294967296\) would make a 4294967304-bit value/], // mark:shl-2^32
      ['shl-huge', () => { const io = IO({ a: Input(UInt(8)) }); io.a.shl(1 << 21); }, 'bad-shift', /widths are limited to 65536 bits/], // mark:shl-huge
      ['shl-neg', () => { const io = IO({ a: Input(UInt(8)) }); io.a.shl(-1); }, 'bad-shift', /shl\(-1\): the shift must be a non-negative integer/], // mark:shl-neg
      ['shl-frac', () => { const io = IO({ a: Input(SInt(8)) }); io.a.shl(0.5); }, 'bad-shift', /shl\(0\.5\)/], // mark:shl-frac
      ['shr-2^32', () => { const io = IO({ a: Input(UInt(8)) }); io.a.shr(2 ** 32); }, 'bad-shift', /shr\(4294967296\): the shift must be at most/], // mark:shr-2^32
      ['shr-neg', () => { const io = IO({ a: Input(UInt(8)) }); io.a.shr(-2); }, 'bad-shift', /shr\(-2\)/], // mark:shr-neg
      ['dshl-wide', () => { const io = IO({ a: Input(UInt(8)), n: Input(UInt(32)) }); io.a.dshl(io.n); }, 'bad-width', /dshl by a 32-bit amount/], // mark:dshl-wide
      ['pad-huge', () => { const io = IO({ a: Input(UInt(8)) }); io.a.pad(2 ** 32); }, 'bad-width', /pad\(4294967296\): the width must be an integer from 0 to/], // mark:pad-huge
      ['pad-frac', () => { const io = IO({ a: Input(UInt(8)) }); io.a.pad(9.5); }, 'bad-width', /pad\(9\.5\)/], // mark:pad-frac
      ['trunc-0', () => { const io = IO({ a: Input(UInt(8)) }); io.a.trunc(0); }, 'bad-width', /trunc\(0\): the width must be a positive integer/], // mark:trunc-0
      ['trunc-wider', () => { const io = IO({ a: Input(UInt(8)) }); io.a.trunc(9); }, 'bit-index-out-of-range', /out of range for a 8-bit value/], // mark:trunc-wider
      ['U-width-0', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(U(0, 0)); }, 'bad-width', /U\(value, 0\): a width must be an integer from 1/], // mark:U-width-0
      ['U-width-frac', () => { const io = IO({ o: Output(UInt(8)) }); io.o.connect(U(1, 2.5)); }, 'bad-width', /U\(value, 2\.5\)/], // mark:U-width-frac
      ['bit-past', () => { const io = IO({ a: Input(UInt(8)), o: Output(Bool()) }); io.o.connect(io.a.bit(8)); }, 'bit-index-out-of-range', /bit\(8, 8\) is out of range/], // mark:bit-past
      ['head-past', () => { const io = IO({ a: Input(UInt(8)) }); io.a.head(9); }, 'bit-index-out-of-range', /head/], // mark:head-past
      ['asbool-wide', () => { const io = IO({ a: Input(UInt(8)), o: Output(Bool()) }); io.o.connect(io.a.asBool()); }, 'bad-width', /asBool\(\) needs a 1-bit value/], // mark:asbool-wide
    ] as const
  ).map(([mark, body, code, message]): DslCase => ({ family: 'shifts and widths', mark, code, message, run: run(body) })),

  // Names and parameters: legal as written, or refused with the rule.
  ...(
    [
      ['name-dash', 'my-adder', /"my-adder" is not a plain identifier[\s\S]*e\.g\. 'my_adder'/], // mark:name-dash
      ['name-digit', '2fast', /"2fast" is not a plain identifier/], // mark:name-digit
      ['name-space', 'my adder', /"my adder"/], // mark:name-space
      ['name-dot', 'conv.1', /"conv\.1"/], // mark:name-dot
      ['name-empty', '', /"" is not a plain identifier/], // mark:name-empty
      ['name-unicode', 'Addière', /"Addière"/], // mark:name-unicode
      ['name-kw-module', 'module', /'module' is a SystemVerilog keyword/], // mark:name-kw-module
      ['name-kw-wire', 'wire', /'wire' is a SystemVerilog keyword/], // mark:name-kw-wire
      ['name-kw-always', 'always', /SystemVerilog keyword/], // mark:name-kw-always
      ['name-kw-logic', 'logic', /SystemVerilog keyword/], // mark:name-kw-logic
    ] as const
  ).map(([mark, name, message]): DslCase => ({
    family: 'names and parameters',
    mark,
    code: 'bad-module-name',
    message,
    at: 'names',
    run: () => elaborate(defineModule({ name, body: () => {} })), // mark:names
  })),
  {
    family: 'names and parameters',
    mark: 'name-fn',
    code: 'bad-module-name',
    message: /"Conv-3" is not a plain identifier/,
    run: () => elaborate(defineModule({ name: (p: { k: number }) => `Conv-${p.k}`, params: { k: 3 }, body: () => {} })), // mark:name-fn
  },
  {
    family: 'names and parameters',
    mark: 'name-child',
    code: 'bad-module-name',
    message: /"sub-unit" is not a plain identifier/,
    run: () => {
      const Sub = defineModule({ name: 'sub-unit', body: () => {} }); // mark:name-child
      return elaborate(M(() => void instance(Sub)));
    },
  },
  {
    family: 'names and parameters',
    mark: 'name-ext',
    code: 'bad-module-name',
    message: /"black-box" is not a plain identifier/,
    run: () => {
      const Ext = defineExtModule({ name: 'black-box', ports: () => ({ i: Input(UInt(1)) }), verilog: { inline: 'module x; endmodule' } }); // mark:name-ext
      return elaborate(M(() => instance(Ext).i.connect(0)));
    },
  },
  {
    family: 'names and parameters',
    mark: 'proto-param',
    code: 'unknown-param',
    message: /has no parameter '__proto__'[\s\S]*its parameters are: width/,
    run: () => {
      const G = defineModule({ name: 'G', params: { width: 8 }, body: () => {} }); // mark:proto-param
      return elaborate(G, JSON.parse('{"__proto__": 1}') as never);
    },
  },
  {
    family: 'names and parameters',
    mark: 'constructor-param',
    code: 'unknown-param',
    message: /has no parameter 'constructor'/,
    run: () => {
      const G = defineModule({ name: 'G', params: { width: 8 }, body: () => {} }); // mark:constructor-param
      return elaborate(G, { constructor: 1 } as never);
    },
  },
  {
    family: 'names and parameters',
    mark: 'bad-named',
    code: 'bad-name',
    message: /'my signal' is not a valid hardware name/,
    run: run(() => {
      Wire(UInt(4)).named('my signal'); // mark:bad-named
    }),
  },

  // Structure: recursion, bodies that return nothing.
  {
    family: 'module structure',
    mark: 'self',
    code: 'recursive-instance',
    message: /module 'Self' instantiates itself \(Self -> Self\)[\s\S]*fix: instantiate it with different parameters/,
    run: () => {
      const Self: ModuleDef = defineModule({
        name: 'Self',
        body: () => {
          instance(Self); // mark:self
        },
      });
      return elaborate(Self);
    },
  },
  {
    family: 'module structure',
    mark: 'mutual',
    code: 'recursive-instance',
    message: /module 'Ping' instantiates itself \(Ping -> Pong -> Ping\)/,
    run: () => {
      const Ping: ModuleDef = defineModule({ name: 'Ping', body: () => void instance(Pong) });
      const Pong: ModuleDef = defineModule({ name: 'Pong', body: () => void instance(Ping) }); // mark:mutual
      return elaborate(Ping);
    },
  },
  {
    family: 'module structure',
    mark: 'no-base-case',
    code: 'recursive-instance',
    message: /modules nest more than 200 deep/,
    run: () => {
      const Tree: ModuleDef<{ n: number }> = defineModule({ name: (p: { n: number }) => `Tree${p.n}`, params: { n: 0 }, body: (p) => void instance(Tree, { n: p.n + 1 }) }); // mark:no-base-case
      return elaborate(Tree);
    },
  },
  {
    family: 'module structure',
    mark: 'returns-nothing',
    code: 'body-returns-nothing',
    message: /module 'Quiet' has ports but its body returned nothing[\s\S]*fix: end the body of 'Quiet' with 'return io'/,
    run: () => {
      const Quiet = defineModule({
        name: 'Quiet',
        body: () => {
          const io = IO({ i: Input(UInt(4)), o: Output(UInt(4)) });
          io.o.connect(io.i);
        },
      });
      return elaborate(M(() => void instance(Quiet))); // mark:returns-nothing
    },
  },
  {
    family: 'module structure',
    mark: 'vec-past',
    code: 'vec-index-out-of-range',
    message: /index 4 is out of range for a Vec of 4[\s\S]*0 to 3/,
    run: run(() => {
      const io = IO({ v: Input(Vec(4, UInt(2))), o: Output(UInt(2)) });
      io.o.connect(io.v.at(4)); // mark:vec-past
    }),
  },
  {
    family: 'module structure',
    mark: 'vec-neg',
    code: 'vec-index-out-of-range',
    message: /index -1 is out of range/,
    run: run(() => {
      const w = VecInit(UInt(2), [1, 2, 3]);
      w.at(-1); // mark:vec-neg
    }),
  },
  {
    family: 'module structure',
    mark: 'vecinit-empty',
    code: 'bad-argument',
    message: /VecInit needs at least one value/,
    run: run(() => {
      VecInit(UInt(2), []); // mark:vecinit-empty
    }),
  },

  // Scope: values used outside the `when` or the module that made them.
  {
    family: 'scope',
    mark: 'when-node',
    code: 'out-of-scope',
    message: /'_T' \(created at test\/errors\/dsl-misuse\.test\.ts:\d+:\d+\) was created inside a when block and is used after the block ended[\s\S]*fix: declare it before the when/,
    run: run(() => {
      const io = IO({ c: Input(Bool()), a: Input(UInt(4)), o: Output(UInt(5)) });
      let sum = io.a.add(0);
      when(io.c, () => {
        sum = io.a.add(1);
      });
      io.o.connect(sum); // mark:when-node
    }),
  },
  {
    family: 'scope',
    mark: 'when-wire',
    code: 'out-of-scope',
    message: /was created inside a when block/,
    run: run(() => {
      const io = IO({ c: Input(Bool()), o: Output(UInt(4)) });
      let w = Wire(UInt(4));
      w.connect(0);
      when(io.c, () => {
        w = Wire(UInt(4));
        w.connect(1);
      });
      io.o.connect(w); // mark:when-wire
    }),
  },
  {
    family: 'scope',
    mark: 'when-reg',
    code: 'out-of-scope',
    message: /was created inside a when block/,
    run: run(() => {
      const io = IO({ c: Input(Bool()), o: Output(UInt(4)) });
      const regs: ReturnType<typeof RegInit>[] = [];
      when(io.c, () => void regs.push(RegInit(UInt(4), 0)));
      io.o.connect(regs[0]!); // mark:when-reg
    }),
  },
  {
    family: 'scope',
    mark: 'otherwise-value',
    code: 'out-of-scope',
    message: /was created inside a when block/,
    run: run(() => {
      const io = IO({ c: Input(Bool()), a: Input(UInt(4)), o: Output(UInt(4)) });
      let v = io.a;
      io.o.connect(0);
      when(io.c, () => io.o.connect(1)).otherwise(() => {
        v = io.a.not();
      });
      io.o.connect(v); // mark:otherwise-value
    }),
  },
  {
    family: 'scope',
    mark: 'when-as-operand',
    code: 'out-of-scope',
    message: /was created inside a when block/,
    run: run(() => {
      const io = IO({ c: Input(Bool()), a: Input(UInt(4)), o: Output(UInt(6)) });
      let t = io.a.add(0);
      when(io.c, () => void (t = io.a.add(2)));
      io.o.connect(t.add(1)); // mark:when-as-operand
    }),
  },
  {
    family: 'scope',
    mark: 'parent-signal',
    code: 'foreign-signal',
    message: /'a' belongs to another module[\s\S]*fix: bring the value in through a port/,
    run: () => {
      const Parent = defineModule({
        name: 'Parent',
        body: () => {
          const io = IO({ a: Input(UInt(4)) });
          const Peek = defineModule({
            name: 'Peek',
            body: () => {
              const o = IO({ o: Output(UInt(4)) });
              o.o.connect(io.a); // mark:parent-signal
              return o;
            },
          });
          instance(Peek);
        },
      });
      return elaborate(Parent);
    },
  },
  {
    family: 'scope',
    mark: 'child-internal',
    code: 'foreign-signal',
    message: /belongs to another module/,
    run: () => {
      let inner: ReturnType<typeof Wire> | undefined;
      const Leaky = defineModule({
        name: 'Leaky',
        body: () => {
          const io = IO({ i: Input(UInt(4)), o: Output(UInt(4)) });
          inner = io.i.add(1);
          io.o.connect(io.i);
          return io;
        },
      });
      return elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(5)) });
          instance(Leaky).i.connect(0);
          io.o.connect(inner!); // mark:child-internal
        }),
      );
    },
  },
  {
    family: 'scope',
    mark: 'other-elaboration',
    code: 'foreign-signal',
    message: /belongs to another module/,
    run: () => {
      let kept: ReturnType<typeof Wire> | undefined;
      elaborate(defineModule({ name: 'First', body: () => void (kept = Wire(UInt(4)).named('kept')).connect(1) }));
      return elaborate(
        M(() => {
          const io = IO({ o: Output(UInt(4)) });
          io.o.connect(kept!); // mark:other-elaboration
        }),
      );
    },
  },

  // Clocks, verification, memories and black boxes.
  ...(
    [
      ['withclock-bool', () => { const io = IO({ c: Input(Bool()) }); withClock(io.c as never, () => {}); }, 'bad-clock', /withClock needs a Clock, got UInt\(1\)|withClock needs a Clock, got Bool[\s\S]*asClock/], // mark:withclock-bool
      ['withclock-uint', () => { const io = IO({ c: Input(UInt(8)) }); withClock(io.c as never, () => {}); }, 'bad-clock', /withClock needs a Clock, got UInt\(8\)/], // mark:withclock-uint
      ['withclock-number', () => { withClock(1 as never, () => {}); }, 'bad-clock', /withClock needs a Clock, got number/], // mark:withclock-number
      ['assert-wide', () => { const io = IO({ a: Input(UInt(8)) }); assert(io.a as never, 'nonzero'); }, 'bad-condition', /assert needs a Bool condition, got a 8-bit UInt[\s\S]*x\.neq\(0\)/], // mark:assert-wide
      ['assume-sint', () => { const io = IO({ a: Input(SInt(4)) }); assume(io.a as never); }, 'bad-condition', /assume needs a Bool condition, got a 4-bit SInt/], // mark:assume-sint
      ['cover-wide', () => { const io = IO({ a: Input(UInt(3)) }); cover(io.a as never); }, 'bad-condition', /cover needs a Bool condition/], // mark:cover-wide
      ['assert-js-bool', () => { assert(true as never); }, 'bad-condition', /assert needs a Bool condition, got a JavaScript boolean/], // mark:assert-js-bool
      ['printf-number-arg', () => { printf('%d\n', 5 as never); }, 'bad-format', /printf argument 1 is not a hardware value/], // mark:printf-number-arg
      ['printf-count', () => { const io = IO({ a: Input(UInt(3)) }); printf('%d %d\n', io.a); }, 'bad-format', /2 placeholder\(s\)/], // mark:printf-count
      ['mem-read-past', () => { const mem = Mem(16, UInt(8)); const io = IO({ o: Output(UInt(8)) }); io.o.connect(mem.read(16)); }, 'mem-address-out-of-range', /memory read at address 16 is past the end of a memory of depth 16[\s\S]*0 to 15/], // mark:mem-read-past
      ['mem-read-neg', () => { const mem = Mem(4, UInt(8)); mem.read(-1); }, 'mem-address-out-of-range', /address -1/], // mark:mem-read-neg
      ['mem-read-frac', () => { const mem = Mem(4, UInt(8)); mem.read(1.5); }, 'mem-address-out-of-range', /must be an integer/], // mark:mem-read-frac
      ['mem-write-past', () => { const mem = Mem(8, UInt(8)); mem.write(100, 1); }, 'mem-address-out-of-range', /memory write at address 100/], // mark:mem-write-past
      ['syncmem-past', () => { const mem = SyncReadMem(10, SInt(4)); mem.read(10n as never); }, 'mem-address-out-of-range', /depth 10/], // mark:syncmem-past
      ['mem-depth', () => { Mem(0, UInt(8)); }, 'bad-width', /a memory depth must be a positive integer, got 0/], // mark:mem-depth
    ] as const
  ).map(([mark, body, code, message]): DslCase => ({ family: 'clocks, verification, memories', mark, code, message, run: run(body) })),
  {
    family: 'clocks, verification, memories',
    mark: 'blackbox-file',
    code: 'missing-blackbox-file',
    message: /the Verilog file 'no\/such\/adder\.v' of black box 'Adder' does not exist[\s\S]*fix: give a path relative to the working directory/,
    run: () => {
      const Adder = defineExtModule({ name: 'Adder', ports: () => ({ a: Input(UInt(4)) }), verilog: { file: 'no/such/adder.v' } }); // mark:blackbox-file
      return elaborate(M(() => instance(Adder).a.connect(1)));
    },
  },
];

describe('misuse catalogue: the language', () => {
  it('has at least 90 cases in 8 families', () => {
    expect(cases.length).toBeGreaterThanOrEqual(90);
    expect(new Set(cases.map((c) => c.family)).size).toBeGreaterThanOrEqual(8);
  });
  for (const c of cases) {
    it(`${c.family}: ${c.mark}`, () => expectMisuse(c, m));
  }
});

describe('the checks leave well-formed designs alone', () => {
  it('accepts values made before a when and used inside and after it, a child through its ports, and 2^53 - 1', () => {
    const ok = M(() => {
      const io = IO({ c: Input(Bool()), a: Input(UInt(4)), o: Output(UInt(5)), p: Output(UInt(60)), q: Output(UInt(4)) });
      const sum = io.a.add(1);
      io.o.connect(0);
      when(io.c, () => {
        const inner = sum.add(0).trunc(5);
        io.o.connect(inner);
      });
      io.p.connect(2 ** 53 - 1);
      const child = instance(Child);
      child.i.connect(io.a);
      io.q.connect(child.o);
    });
    expect(() => elaborate(ok)).not.toThrow();
  });
});
