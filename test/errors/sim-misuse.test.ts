// The misuse catalogue, simulation part: a failing assert names the design's
// TypeScript line and the cycle (in step and in runVectors), and sim.io refuses
// what a plain object would turn into a TypeError or a silent undefined.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO, Input, Output, UInt, Vec, assert, defineModule } from '../../dsl/index.ts';
import { ExpectError, SimError, simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { expectNoStack, marks } from './catalogue.ts';

const m = marks(import.meta.url);

// One model per case (the parameter names it): re-opening a model in the process
// after closing one of its instances can reuse the freed instance's address, and
// the harness would then skip switching to the new instance's Verilator context.
const Checked = defineModule({
  name: (p: { copy: number }) => `CheckedVec${p.copy}`,
  params: { copy: 0 },
  body: () => {
    const io = IO({ x: Input(UInt(8)), v: Input(Vec(3, UInt(4))), o: Output(UInt(8)) });
    assert(io.x.lt(200), 'x too big: %d', io.x); // mark:assert
    io.o.connect(io.x);
    return io;
  },
});

let sim: DesignSimulator<ReturnType<typeof Checked.spec.body>>;
beforeAll(async () => {
  sim = await simulate(Checked);
});
afterAll(() => sim.close());

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('misuse catalogue: simulation', () => {
  it('(before any assert fires) a failed expect names the cycle, the port and both values', () => {
    sim.io.x.poke(7);
    sim.step();
    const e = thrown(() => sim.io.o.expect(8));
    expect(e).toBeInstanceOf(ExpectError);
    expect(e.message).toMatch(/expect failed at cycle \d+: port 'o' expected 8 \(0x8\), got 7 \(0x7\)/);
  });

  it('a failing assert in step names the TypeScript line of the assert and the cycle', () => {
    sim.reset(1);
    sim.io.x.poke(100);
    sim.step(3);
    sim.io.x.poke(250);
    const e = thrown(() => sim.step());
    expect(e).toBeInstanceOf(SimError);
    expect(e.message).toMatch(new RegExp(`^${m.here.replace(/\./g, '\\.')}:${m.lineOf('assert')}:\\d+: .*x too big: *250.*\\(at cycle 6\\)$`, 's'));
    expectNoStack(e.message);
  });

  it('a failing assert in step(n) and in runVectors names the line and the cycles it ran', async () => {
    const again = await simulate(Checked, { copy: 1 });
    try {
      again.reset(1);
      again.io.x.poke(250);
      const many = thrown(() => again.step(4));
      expect(many.message).toMatch(new RegExp(`^${m.here.replace(/\./g, '\\.')}:${m.lineOf('assert')}:\\d+: .*x too big.*\\(within cycles 2 to 5\\)$`, 's'));
    } finally {
      again.close();
    }
    const third = await simulate(Checked, { copy: 2 });
    try {
      third.reset(1);
      const e = thrown(() => third.runVectors({ inputs: { x: [1, 2, 201, 3] }, outputs: ['o'] }));
      expect(e.message).toMatch(new RegExp(`runVectors: ${m.here.replace(/\./g, '\\.')}:${m.lineOf('assert')}:\\d+: .*x too big: *201.*\\(within cycles 2 to 5\\)`, 's'));
      expectNoStack(e.message);
    } finally {
      third.close();
    }
  });

  const ioCases: [string, () => unknown, RegExp][] = [
    ['a Vec index past the end', () => sim.io.v[3]!.poke(1), /sim\.io\.v\[3\] is past the end of a Vec of 3; use an index from 0 to 2/],
    ['a negative Vec index', () => sim.io.v[-1]!.peek(), /sim\.io\.v\[-1\] is past the end of a Vec of 3/],
    ['poking an output', () => sim.io.o.poke(1), /'o' is an output; only inputs can be driven/],
    ['a value too wide for the port', () => sim.io.x.poke(256), /256 does not fit port 'x'/],
    ['an unknown port by name', () => sim.poke('nope', 1), /nope/],
  ];
  for (const [what, run, message] of ioCases) {
    it(`sim.io: ${what} is a SimError that says so`, () => {
      const e = thrown(run);
      expect(e).toBeInstanceOf(SimError);
      expect(e.message).toMatch(message);
      expectNoStack(e.message);
    });
  }

});
